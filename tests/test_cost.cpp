// Cost per task, API versus self-hosting, route rules and monitoring thresholds, checked against
// the worked examples of the product's second seed document (shared/seeds/003_*.txt).
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "cost.hpp"

using nlohmann::json;
using namespace vramcalc;

TEST_CASE("the monthly-volume table gives the seed's token volumes") {
  // Seed: "1,000 | 1K | 300 | 1M in / 0.3M out", "10,000 | 2K | 600 | 20M in / 6M out",
  // "100,000 | 4K | 1K | 400M in / 100M out", "1,000,000 | 2K | 500 | 2B in / 500M out".
  const json out = cost_json_value({{"kind", "volumes"}});
  REQUIRE_FALSE(out.contains("error"));
  const double expect[][2] = {{1e6, 0.3e6}, {20e6, 6e6}, {400e6, 100e6}, {2e9, 500e6}};
  REQUIRE(out["rows"].size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(out["rows"][i]["input_tokens_per_month"].get<double>() == doctest::Approx(expect[i][0]));
    CHECK(out["rows"][i]["output_tokens_per_month"].get<double>() == doctest::Approx(expect[i][1]));
  }
}

TEST_CASE("a 10% retry rate makes the effective price 1.1x") {
  ApiWorkload w;
  w.retry_percent = 10;
  ApiWorkload none = w;
  none.retry_percent = 0;
  CHECK(api_cost(w).retry_multiplier == doctest::Approx(1.1));
  CHECK(api_cost(w).cost_per_month == doctest::Approx(api_cost(none).cost_per_month * 1.1));
}

TEST_CASE("the monthly cost follows the seed's minimum calculator") {
  // "30 days x calls per day x average input tokens x input price, plus 30 days x calls per day
  // x average output tokens x output price", at DeepSeek's published deepseek-reasoner prices
  // ($0.55 input cache miss, $2.19 output per million tokens). With the seed's 30-day month:
  ApiWorkload w;
  w.days_per_month = 30;
  w.calls_per_day = 1000;
  w.input_tokens = 2000;
  w.output_tokens = 500;
  w.input_per_mtok = 0.55;
  w.output_per_mtok = 2.19;
  const double expect = 30 * 1000 * 2000 * 0.55 / 1e6 + 30 * 1000 * 500 * 2.19 / 1e6;
  CHECK(api_cost(w).cost_per_month == doctest::Approx(expect));
  // The calculator's own month is the 730 hours devices are rented for: 730 / 24 = 30.42 days.
  w.days_per_month = ApiWorkload().days_per_month;
  CHECK(w.days_per_month * 24 == doctest::Approx(730));
  CHECK(api_cost(w).cost_per_month == doctest::Approx(expect / 30 * 730 / 24));
}

TEST_CASE("calls and rented devices share one month") {
  const json out = cost_json_value({{"calls_per_day", 1000}, {"self_host", {{"devices", 1}, {"usd_per_device_hour", 1},
                                                                           {"decode_tokens_per_s", 50}, {"prefill_tokens_per_s", 500}}}});
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["self_host"]["hours_per_month"] == 730);
  CHECK(out["api"]["calls_per_month"] == 30417);  // 1000 x 730 / 24, as a whole count
  CHECK(out["assumptions"]["month"].get<std::string>().find("730 hours (30.42 days)") != std::string::npos);
  // A user's 30-day month rents the devices for 720 hours.
  const json thirty = cost_json_value({{"calls_per_day", 1000}, {"days_per_month", 30},
                                       {"self_host", {{"devices", 1}, {"usd_per_device_hour", 1}, {"decode_tokens_per_s", 50},
                                                      {"prefill_tokens_per_s", 500}}}});
  CHECK(thirty["self_host"]["hours_per_month"] == 720);
}

TEST_CASE("counts print as whole numbers in the JSON") {
  // 1,000 calls a month spread over 30.42 days and multiplied back is 1000.0000000001 in doubles.
  const json out = cost_json_value({{"kind", "volumes"}});
  for (const json& row : out["rows"]) {
    for (const char* k : {"calls_per_month", "input_tokens", "output_tokens", "input_tokens_per_month", "output_tokens_per_month"}) {
      CAPTURE(k);
      CHECK(row[k].is_number_unsigned());
    }
  }
  CHECK(out["rows"][0]["input_tokens_per_month"] == 1000000);
  CHECK(cost_json(R"({"calls_per_day": 1000})").find("\"calls_per_day\":1000,") != std::string::npos);
}

TEST_CASE("self-hosting at volumes past a 32-bit count keeps whole replicas and a busy share within 100%") {
  // 10^12 calls a day of 10^6 output tokens: the CLI printed 2,490,667,656 replicas "4584% busy" and
  // the WebAssembly build 0 replicas and $0 while the count was a uint32_t.
  const json out = cost_json_value({{"calls_per_day", 1e12}, {"output_tokens", 1e6}, {"input_tokens", 2000},
                                    {"self_host", {{"devices", 8}, {"usd_per_device_hour", 2.95},
                                                   {"decode_tokens_per_s", 100}, {"prefill_tokens_per_s", 50000}}}});
  REQUIRE_FALSE(out.contains("error"));
  const json& s = out["self_host"];
  // Each call holds a replica for 2000 / 50000 + 10^6 / 100 = 10,000.04 s; 730 h is 262.8 such calls.
  const double calls_per_month = 1e12 * 730 / 24;
  const double capacity = 730 * 3600 / 10000.04;
  CHECK(s["replicas_needed"].get<uint64_t>() == uint64_t(std::ceil(calls_per_month / capacity)));
  CHECK(s["replicas_needed"].get<uint64_t>() > 4294967296ull);
  CHECK(s["replicas_out_of_range"] == false);
  CHECK(s["utilization"].get<double>() <= 1.0);
  CHECK(s["utilization"].get<double>() > 0.99);
  CHECK(s["cost_per_month"].get<double>() == doctest::Approx(double(s["replicas_needed"].get<uint64_t>()) * 8 * 2.95 * 730));
}

TEST_CASE("a replica count past 2^53 is flagged as out of range, not wrapped") {
  ApiWorkload w;
  w.calls_per_day = 1e12;
  w.output_tokens = 1e12;
  const ApiCost api = api_cost(w);
  SelfHosting s;
  s.decode_tokens_per_s = 0.001;
  s.prefill_tokens_per_s = 0.001;
  const SelfHostCost h = self_host_cost(w, api, s);
  CHECK(h.replicas_out_of_range);
  CHECK(h.replicas_needed == kMaxReplicas);
  CHECK(h.utilization <= 1.0);
  CHECK(std::isfinite(h.cost_per_month));
  CHECK(h.verdict.find("lower bound") != std::string::npos);
  CHECK(h.verdict.find("e+") == std::string::npos);
}

TEST_CASE("cached input is billed at the cached price for its share") {
  ApiWorkload w;
  w.input_per_mtok = 0.55;
  w.cached_input_per_mtok = 0.14;
  w.output_tokens = 0;
  w.input_tokens = 1e6;
  w.calls_per_day = 1;
  w.cache_hit_percent = 50;
  CHECK(api_cost(w).cost_per_call == doctest::Approx(0.5 * 0.55 + 0.5 * 0.14));
}

TEST_CASE("the DeepSeek-R1 preset carries the published prices with a date") {
  const ApiPricePreset* p = price_catalog().find_preset("deepseek-r1");
  REQUIRE(p != nullptr);
  CHECK(p->input_per_mtok == 0.55);
  CHECK(p->output_per_mtok == 2.19);
  CHECK(p->cached_input_per_mtok.value() == 0.14);
  CHECK_FALSE(p->date.empty());
}

TEST_CASE("self-hosting breaks even where one replica costs what the API does") {
  ApiWorkload w;
  w.calls_per_day = 100000;
  w.input_tokens = 2000;
  w.output_tokens = 500;
  const ApiCost api = api_cost(w);
  SelfHosting s;
  s.devices = 8;
  s.usd_per_device_hour = 2.95;
  s.hours_per_month = 730;
  s.decode_tokens_per_s = 5000;
  s.prefill_tokens_per_s = 50000;
  const SelfHostCost h = self_host_cost(w, api, s);
  CHECK_FALSE(h.never_cheaper);
  CHECK(h.replica_cost_per_month == doctest::Approx(8 * 2.95 * 730));
  CHECK(h.break_even_calls_per_day * w.days_per_month * api.cost_per_call == doctest::Approx(h.replica_cost_per_month));
  CHECK(h.seconds_per_call == doctest::Approx(2000.0 / 50000 + 500.0 / 5000));
  CHECK(h.replicas_needed == 1);
}

TEST_CASE("self-hosting that can never beat the API says so") {
  ApiWorkload w;
  const ApiCost api = api_cost(w);
  SelfHosting s;
  s.decode_tokens_per_s = 5;  // far too slow for the price
  s.prefill_tokens_per_s = 50;
  const SelfHostCost h = self_host_cost(w, api, s);
  CHECK(h.never_cheaper);
  CHECK(h.verdict.find("never becomes cheaper") != std::string::npos);
}

TEST_CASE("the route rules decide in the seed's order") {
  CHECK(pick_route("prototype", 500, "strict", true).route == "free_or_low_cost_tier");
  CHECK(pick_route("prototype", 5000, "strict", true).route == "direct_vendor_or_marketplace");
  CHECK(pick_route("production", 200000, "none", true).route == "batch_or_async");
  CHECK(pick_route("production", 200000, "none", false).route == "gateway_with_caps");
  CHECK(pick_route("production", 20000, "none", true).route == "gateway_with_caps");
  CHECK(pick_route("production", 5000, "none", false).route == "direct_api_with_monitoring");
}

TEST_CASE("monitoring flags the metrics past the seed's thresholds") {
  // Seed: 429 rate >2% sustained, retry multiplier >1.1x, fallback rate >10%, output/input ratio
  // sudden 2x jump, user-level spend outlier >5x median.
  const json out = cost_json_value({{"kind", "monitor"},
                                    {"metrics", {{"rate_429_percent", 3}, {"retry_multiplier", 1.1}, {"fallback_percent", 12},
                                                 {"output_input_ratio", 0.6}, {"output_input_ratio_baseline", 0.3},
                                                 {"top_user_spend", 40}, {"median_user_spend", 10}}}});
  REQUIRE_FALSE(out.contains("error"));
  std::map<std::string, bool> alert;
  for (const json& f : out["flags"]) alert[f["metric"]] = f["alert"];
  CHECK(alert.at("rate_429_percent"));
  CHECK_FALSE(alert.at("retry_multiplier"));  // exactly 1.1x is not above 1.1x
  CHECK(alert.at("fallback_percent"));
  CHECK(alert.at("output_input_ratio_change"));  // a 2x jump
  CHECK_FALSE(alert.at("user_spend_vs_median"));  // 4x the median
  CHECK(out["alerts"] == 3);
}

TEST_CASE("bad cost input is an error naming the field") {
  struct Row { json req; const char* field; };
  const Row rows[] = {
      {{{"input_price", -1}}, "input_price"},
      {{{"output_price", "cheap"}}, "output_price"},
      {{{"calls_per_day", 0}}, "calls_per_day"},
      {{{"retry_percent", 100}}, "retry_percent"},
      {{{"retry_percent", 250}}, "retry_percent"},
      {{{"cache_hit_percent", 120}}, "cache_hit_percent"},
      {{{"preset", "gpt"}}, "preset"},
      {{{"self_host", {{"devices", 0}, {"decode_tokens_per_s", 100}, {"prefill_tokens_per_s", 100}}}}, "devices"},
      {{{"self_host", {{"devices", 8}, {"usd_per_device_hour", 2}, {"decode_tokens_per_s", 0}, {"prefill_tokens_per_s", 100}}}}, "decode_tokens_per_s"},
      {{{"kind", "route"}, {"stage", "growth"}}, "stage"},
      {{{"kind", "monitor"}, {"metrics", {{"top_user_spend", 5}, {"median_user_spend", 0}}}}, "median_user_spend"},
      {{{"kind", "bill"}}, "kind"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.req.dump());
    const json out = cost_json_value(r.req);
    REQUIRE(out.contains("error"));
    CHECK(out["error"]["field"] == r.field);
  }
  CHECK(json::parse(cost_json("{oops"))["error"]["field"] == "request");
}

TEST_CASE("the price list carries the presets, hourly device prices and thresholds") {
  const json out = cost_json_value({{"kind", "prices"}});
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["presets"][0]["id"] == "deepseek-r1");
  CHECK(out["presets"][0]["output_price"] == 2.19);
  CHECK(out["gpu_hourly"].size() >= 1);
  CHECK(out["thresholds"].size() == 7);
}

TEST_CASE("self-hosting a device without an hourly price asks for one") {
  const json out = cost_json_value({{"self_host", {{"gpu", "rtx-4090"}, {"devices", 1}, {"decode_tokens_per_s", 50},
                                                   {"prefill_tokens_per_s", 500}}}});
  CHECK(out["error"]["field"] == "usd_per_device_hour");
}

TEST_CASE("self-hosting reports the output speed the workload needs") {
  // 1,000 calls a day of 500 output tokens: 500,000 tokens over 86,400 s.
  const json out = cost_json_value({{"calls_per_day", 1000}, {"output_tokens", 500},
                                    {"self_host", {{"devices", 1}, {"usd_per_device_hour", 1}, {"decode_tokens_per_s", 50},
                                                   {"prefill_tokens_per_s", 500}}}});
  CHECK(out["self_host"]["needed_decode_tokens_per_s"].get<double>() == doctest::Approx(500000.0 / 86400.0));
}
