// vramcalc cost | route | monitor: the cost calculators of the core, from the command line.
#include "cost_cmd.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cost.hpp"

using nlohmann::json;

namespace {

const char* kCostUsage = R"(usage: vramcalc cost [options]      cost per task and per month through an API
       vramcalc cost --volumes [prices]   the monthly-volume table at those prices
       vramcalc route --stage prototype|production --calls-per-day N --compliance none|strict
                      [--latency-flexible yes|no]
       vramcalc monitor [--rate-429-percent P] [--retry-multiplier X] [--fallback-percent P]
                        [--output-input-ratio R --output-input-ratio-baseline R]
                        [--top-user-spend S --median-user-spend S]
                        [--cost-per-task C --cost-per-task-last-week C]
                        [--model-error-percent P --other-models-error-percent P]

cost options:
  --preset ID              price preset (deepseek-r1: DeepSeek's published R1 prices; custom)
  --calls-per-day N        calls per day (default 1000)
  --input-tokens N         average input tokens per call (default 2000)
  --output-tokens N        average output tokens per call, reasoning included (default 500)
  --input-price USD        per million input tokens (overrides the preset)
  --output-price USD       per million output tokens
  --cached-input-price USD per million cached input tokens
  --cache-hit-percent P    share of input tokens served from the cache
  --retry-percent P        calls retried (10 makes the price 1.1x); below 100
  self-hosting the same workload (all four to compare):
  --devices N --usd-per-device-hour USD --decode-tokens-per-s T --prefill-tokens-per-s T
  --gpu ID                 take the hourly price of a catalogue device where the data has one
  --json                   one JSON object
)";

std::string flag_to_field(const std::string& flag) {
  std::string f = flag.substr(2);
  for (char& c : f) {
    if (c == '-') c = '_';
  }
  return f;
}

std::string money(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, v < 1 ? "$%.4f" : v < 100 ? "$%.2f" : "$%.0f", v);
  return buf;
}

void print_cost(const json& r) {
  const json& a = r["api"];
  std::cout << "API: " << r["preset"]["name"].get<std::string>() << "\n";
  std::printf("  per call  %s   per day  %s   per month  %s\n", money(a["cost_per_call"].get<double>()).c_str(),
              money(a["cost_per_day"].get<double>()).c_str(), money(a["cost_per_month"].get<double>()).c_str());
  std::printf("  tokens per month: %.0f in, %.0f out; retries x%.2f cost %s a month\n",
              a["input_tokens_per_month"].get<double>(), a["output_tokens_per_month"].get<double>(),
              a["retry_multiplier"].get<double>(), money(a["retry_cost_per_month"].get<double>()).c_str());
  if (!r["self_host"].is_null()) {
    const json& s = r["self_host"];
    const uint64_t replicas = s["replicas_needed"].get<uint64_t>();
    std::printf("Self-hosting: %s device(s) at %s/h: %s a month per replica, %s%s replica%s, %.0f%% busy\n",
                std::to_string(s["devices"].get<uint64_t>()).c_str(), money(s["usd_per_device_hour"].get<double>()).c_str(),
                money(s["replica_cost_per_month"].get<double>()).c_str(), s["replicas_out_of_range"].get<bool>() ? "more than " : "",
                std::to_string(replicas).c_str(), replicas == 1 ? "" : "s", s["utilization"].get<double>() * 100);
    std::cout << "  " << s["verdict"].get<std::string>() << "\n";
  }
}

}  // namespace

int run_cost_command(int argc, char** argv) {
  const std::string cmd = argv[1];
  json req = {{"kind", cmd == "cost" ? "api" : cmd}};
  json metrics = json::object();
  json self_host = json::object();
  bool as_json = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") { as_json = true; continue; }
    if (arg == "--help" || arg == "-h") { std::cout << kCostUsage; return 0; }
    if (arg == "--volumes" && cmd == "cost") { req["kind"] = "volumes"; continue; }
    if (arg.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::cerr << "vramcalc: " << (arg.rfind("--", 0) == 0 ? arg + " needs a value" : "unexpected \"" + arg + "\"")
                << " (see vramcalc " << cmd << " --help)\n";
      return 2;
    }
    const std::string field = flag_to_field(arg);
    const std::string value = argv[++i];
    if (cmd == "monitor") metrics[field] = value;
    else if (field == "devices" || field == "usd_per_device_hour" || field == "decode_tokens_per_s" ||
             field == "prefill_tokens_per_s" || field == "gpu" || field == "hours_per_month") self_host[field] = value;
    else req[field] = value;
  }
  if (cmd == "monitor") req["metrics"] = metrics;
  if (!self_host.empty()) req["self_host"] = self_host;
  const json r = vramcalc::cost_json_value(req);
  if (r.contains("error")) {
    if (as_json) std::cout << r.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    std::cerr << "vramcalc: " << r["error"]["message"].get<std::string>() << "\n";
    return 2;
  }
  if (as_json) {
    std::cout << r.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (r["kind"] == "api") print_cost(r);
  else if (r["kind"] == "volumes") {
    std::printf("%12s %8s %8s %16s %16s %12s\n", "calls/month", "in", "out", "tokens in", "tokens out", "cost/month");
    for (const json& row : r["rows"]) {
      std::printf("%12.0f %8.0f %8.0f %16.0f %16.0f %12s  %s\n", row["calls_per_month"].get<double>(),
                  row["input_tokens"].get<double>(), row["output_tokens"].get<double>(),
                  row["input_tokens_per_month"].get<double>(), row["output_tokens_per_month"].get<double>(),
                  money(row["cost_per_month"].get<double>()).c_str(), row["reading"].get<std::string>().c_str());
    }
  } else if (r["kind"] == "route") {
    std::cout << r["name"].get<std::string>() << "\n  " << r["reason"].get<std::string>() << "\n";
  } else {
    for (const json& f : r["flags"]) {
      std::printf("%-6s %-50s %10.3f (threshold %g)\n", f["alert"].get<bool>() ? "ALERT" : "ok",
                  f["label"].get<std::string>().c_str(), f["value"].get<double>(), f["threshold"].get<double>());
    }
  }
  return 0;
}
