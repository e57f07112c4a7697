#include "solve_cmd.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include "api.hpp"

using nlohmann::json;

const char* kSolveUsage = R"(
What fits a machine (with --gpu or --custom-gpu, --gpus, --ram-gb, --host, --runtime):
  --max-context       the largest context per sequence that fits (exact to the cache's steps)
  --best-quant        the format with the most bits per weight that fits at --context
  --sweep             with --offload experts: each --n-cpu-moe; with --offload layers: each -ngl
  --command           add the launch command (llama-server, ollama, vllm serve, sglang)
  vramcalc fit --gpu G [--gpus N] [--ram-gb R] [--host CPU] [--runtime R] [--context N]
               [--min-speed TPS] [--other-models]
                   every catalogue model x format: verdict, max context, speed (defaults:
                   context 16384, minimum speed 10 tokens/s); --other-models adds the other
                   open models (--list-models) after the R1 family
  vramcalc reasoning --model M --quant Q --gpu G [--prompt-tokens P] [--thinking-tokens T]
               [--answer-tokens A]  the context a reasoning trace needs and how long it takes
)";

namespace {

int missing(const std::string& flag, const char* field, bool as_json) {
  const std::string msg = flag + " needs a value";
  if (as_json) std::cout << vramcalc::error_json("invalid_argument", field, msg).dump() << "\n";
  std::cerr << "vramcalc: " << msg << "\n";
  return 2;
}

std::string gb(const json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", v.get<double>() / 1e9);
  return buf;
}

std::string tps(const json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v.get<double>());
  return buf;
}

std::string tokens(const json& v) { return v.is_number() ? std::to_string(v.get<uint64_t>()) : std::string("none"); }

void print_row(const json& r) {
  std::printf("  %-32s %-9s %-22s %9s %8s %10s %10s\n", r["model"].get<std::string>().c_str(), r["quant"].get<std::string>().c_str(),
              r["verdict_text"].get<std::string>().c_str(), tokens(r["max_context"]).c_str(), tps(r["decode_tokens_per_s"]).c_str(),
              gb(r["vram_bytes"]).c_str(), gb(r["ram_bytes"]).c_str());
}

void print_commands(const json& result) {
  if (!result.contains("launch_commands")) return;
  std::cout << "\nLaunch command:\n";
  for (const auto& [rt, cmd] : result["launch_commands"].items()) {
    std::cout << "  (" << rt << ")\n";
    std::string line;
    std::string text = cmd.get<std::string>();
    size_t start = 0;
    while (start <= text.size()) {
      const size_t nl = text.find('\n', start);
      std::cout << "    " << text.substr(start, nl == std::string::npos ? std::string::npos : nl - start) << "\n";
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    for (const json& n : result["launch_command_notes"][rt]) std::cout << "    note: " << n.get<std::string>() << "\n";
  }
}

}  // namespace

int parse_solve_flag(int& i, int argc, char** argv, json& req, bool as_json) {
  const std::string arg = argv[i];
  auto value = [&](const char* field, json& out) -> int {
    if (i + 1 >= argc) return missing(arg, field, as_json);
    out = std::string(argv[++i]);
    return 1;
  };
  if (arg == "--max-context") { req["solve"] = "max_context"; return 1; }
  if (arg == "--best-quant") { req["solve"] = "best_quant"; return 1; }
  if (arg == "--sweep") { req["solve"] = "sweep"; return 1; }
  if (arg == "--command") { req["launch_commands"] = true; return 1; }
  if (arg == "--other-models") { req["other_models"] = true; return 1; }
  if (arg == "--min-speed") return value("min_speed", req["min_speed"]);
  if (arg == "--prompt-tokens") return value("prompt_tokens", req["prompt_tokens"]);
  if (arg == "--thinking-tokens") return value("thinking_tokens", req["thinking_tokens"]);
  if (arg == "--answer-tokens") return value("answer_tokens", req["answer_tokens"]);
  return 0;
}

bool solve_prints_alone(const json& req) {
  const std::string s = req.value("solve", std::string());
  return s == "fit" || s == "reasoning";
}

void print_solve(const json& req, const json& r) {
  const std::string s = req.value("solve", std::string());
  if (s == "fit") {
    const json& m = r["machine"];
    std::cout << "Fit table: " << (m["gpu_name"].is_string() ? m["gpu_name"].get<std::string>() : std::string("custom device")) << " x "
              << m["gpus"].get<uint64_t>() << ", RAM " << gb(m["ram_bytes"]) << ", " << m["runtime"].get<std::string>() << ", context "
              << r["context"].get<uint64_t>() << ", minimum " << r["min_speed"].get<double>() << " tokens/s\n\n";
    std::cout << "Recommendation: " << r["recommendation_reason"].get<std::string>() << "\n\n";
    std::printf("  %-32s %-9s %-22s %9s %8s %10s %10s\n", "model", "quant", "verdict", "max ctx", "tok/s", "VRAM", "RAM");
    for (const json& row : r["rows"]) print_row(row);
    std::cout << "\nRules:\n";
    for (const json& x : r["rules"]) std::cout << "  - " << x.get<std::string>() << "\n";
    return;
  }
  if (s == "reasoning") {
    std::cout << "Reasoning budget: " << r["prompt_tokens"].get<uint64_t>() << " prompt + " << r["thinking_tokens"].get<uint64_t>()
              << " thinking + " << r["answer_tokens"].get<uint64_t>() << " answer tokens = context of "
              << r["context_needed"].get<uint64_t>() << " (" << (r["fits"].get<bool>() ? "fits" : "does NOT fit") << "; largest that fits: "
              << tokens(r["max_context"]) << ")\n";
    std::cout << "  KV cache at the end: " << gb(r["kv_cache_bytes_at_end"]) << ", total " << gb(r["total_bytes_at_end"]) << "\n";
    std::cout << "  prefill " << (r["prefill_s"].is_number() ? tps(r["prefill_s"]) + " s" : std::string("not estimated")) << ", thinking "
              << tps(r["thinking_s"]) << " s, answer " << tps(r["answer_s"]) << " s\n";
    std::cout << "  first answer token after " << tps(r["time_to_first_answer_token_s"]) << " s, done after " << tps(r["time_total_s"])
              << " s (decode " << tps(r["decode_tokens_per_s_start"]) << " -> " << tps(r["decode_tokens_per_s_end"]) << " tokens/s)\n";
    for (const json& x : r["assumptions"]) std::cout << "  - " << x.get<std::string>() << "\n";
    print_commands(r);
    return;
  }
  if (s == "max_context") {
    const json& d = r["max_context_detail"];
    std::cout << "\nLargest context: " << tokens(r["max_context"]) << " tokens per sequence x " << d["sequences"].get<uint64_t>()
              << " (binding: " << r["max_context_binding"].get<std::string>() << "; " << d["explanation"].get<std::string>() << ")\n";
  } else if (s == "best_quant") {
    std::cout << "\nBest format: " << (r["best_quant"].is_string() ? r["best_quant"].get<std::string>() : std::string("none fits"))
              << " (" << r["quality_order"].get<std::string>() << ")\n";
    for (const json& f : r["formats"]) {
      std::printf("  %-10s %6.2f bits/weight  weights %10s  total %10s  %s\n", f["quant"].get<std::string>().c_str(),
                  f["bits_per_weight"].get<double>(), gb(f["weights_bytes"]).c_str(), gb(f["total_bytes"]).c_str(),
                  f["fits"].get<bool>() ? "fits" : "does not fit");
    }
  } else if (s == "sweep") {
    const json& sw = r["sweep"];
    std::cout << "\nOffload sweep (" << sw["axis"].get<std::string>() << "; " << sw["speed"].get<std::string>() << "):\n";
    for (size_t i = 0; i < sw["points"].size(); ++i) {
      const json& p = sw["points"][i];
      std::printf("  -ngl %3llu --n-cpu-moe %3llu  VRAM %10s  RAM %10s  %8s tok/s  %s%s\n", (unsigned long long)p["gpu_layers"].get<uint64_t>(),
                  (unsigned long long)p["cpu_moe_layers"].get<uint64_t>(), gb(p["vram_bytes"]).c_str(), gb(p["ram_bytes"]).c_str(),
                  tps(p["decode_tokens_per_s"]).c_str(), p["fits"].get<bool>() ? "fits" : "does not fit",
                  sw["fastest"].is_number() && sw["fastest"].get<size_t>() == i ? "  <- fastest that fits" : "");
    }
  }
  print_commands(r);
}
