#pragma once
// What running a model costs: per task and per month through an API (with retries and cached
// input), self-hosted on rented GPUs, the break-even volume between the two, the route decision
// rules and the monitoring checklist.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

struct ApiPricePreset {
  std::string id;
  std::string name;
  double input_per_mtok = 0;
  std::optional<double> cached_input_per_mtok;
  double output_per_mtok = 0;
  std::string date;
};

struct GpuHourlyPrice {
  std::string gpu;
  double usd_per_hour = 0;
  std::string date;
};

struct MonitoringThreshold {
  std::string metric;
  std::string label;
  double threshold = 0;
  bool inclusive = false;  // "at_least" rather than "above"
  std::string why;
};

struct PriceCatalog {
  std::vector<ApiPricePreset> presets;
  std::vector<GpuHourlyPrice> gpu_hourly;
  // One month for calls and for rented devices alike: 8760 hours a year / 12 = 730 hours, so
  // 730 / 24 = 30.42 days.
  double hours_per_month = 730;
  double days_per_month = 730.0 / 24.0;
  std::vector<MonitoringThreshold> thresholds;
  const ApiPricePreset* find_preset(const std::string& id) const;
  const GpuHourlyPrice* find_gpu_price(const std::string& gpu) const;
};
const PriceCatalog& price_catalog();

// A workload through a token-priced API. Token counts are averages per call.
struct ApiWorkload {
  double calls_per_day = 1000;
  double input_tokens = 2000;
  double output_tokens = 500;
  double input_per_mtok = 0.55;
  double output_per_mtok = 2.19;
  std::optional<double> cached_input_per_mtok;
  double cache_hit_percent = 0;  // share of input tokens billed at the cached price
  double retry_percent = 0;      // failed calls re-sent: 10% makes the effective price 1.1x
  double days_per_month = 730.0 / 24.0;
};

struct ApiCost {
  double retry_multiplier = 1;
  double input_cost_per_call = 0;   // before retries
  double output_cost_per_call = 0;
  double cost_per_call = 0;         // with retries
  double cost_per_day = 0;
  double cost_per_month = 0;
  double calls_per_month = 0;
  double input_tokens_per_month = 0;   // billed, with retries
  double output_tokens_per_month = 0;
  double retry_cost_per_month = 0;
};

// Throws InputError naming the field (negative prices, zero calls, retry rate of 100% or more...).
ApiCost api_cost(const ApiWorkload& w);

// The same workload on rented devices.
struct SelfHosting {
  uint32_t devices = 8;                 // devices per replica (from the planner)
  double usd_per_device_hour = 2.95;
  double hours_per_month = 730;         // always on
  double decode_tokens_per_s = 0;       // aggregate output tokens/s of one replica
  double prefill_tokens_per_s = 0;      // input tokens/s of one replica
};

struct SelfHostCost {
  double replica_cost_per_month = 0;
  double seconds_per_call = 0;          // replica time one call occupies
  double capacity_calls_per_month = 0;  // one replica, fully busy
  uint64_t replicas_needed = 0;         // for the workload, at most kMaxReplicas
  bool replicas_out_of_range = false;   // more than kMaxReplicas: the count is a lower bound
  double cost_per_month = 0;            // replicas_needed x replica cost
  double cost_per_call_at_capacity = 0;
  double utilization = 0;               // workload / (replicas x capacity), within 0-1
  double needed_decode_tokens_per_s = 0;  // average output tokens/s the workload asks for
  bool never_cheaper = false;           // even fully busy, a call costs more than through the API
  double break_even_calls_per_day = 0;  // where one replica costs what the API does (0 if never)
  std::string verdict;
};

// The largest replica count reported exactly: 2^53, the largest integer a JSON reader or
// JavaScript holds exactly. Counts are computed in doubles, so nothing wraps in wasm32.
inline constexpr uint64_t kMaxReplicas = 9'007'199'254'740'992ull;

SelfHostCost self_host_cost(const ApiWorkload& w, const ApiCost& api, const SelfHosting& s);

// The seed's monthly-volume table: monthly calls with their average prompt and answer sizes.
struct VolumeRow {
  double calls_per_month;
  double input_tokens;
  double output_tokens;
  const char* reading;  // how to read that volume
};
const std::vector<VolumeRow>& volume_rows();

// Route decision: stage (prototype | production), traffic in calls per day, compliance
// (none | strict), whether latency is flexible.
struct RouteAdvice {
  std::string route;   // an id: free_or_low_cost_tier, direct_vendor_or_marketplace, batch_or_async, gateway_with_caps, direct_api_with_monitoring
  std::string name;
  std::string reason;
};
RouteAdvice pick_route(const std::string& stage, double calls_per_day, const std::string& compliance, bool latency_flexible);

// Monitoring checklist: the metrics a user has, flagged against the thresholds.
struct MonitorFlag {
  std::string metric;
  std::string label;
  double value = 0;
  double threshold = 0;
  bool alert = false;
  std::string why;
};
std::vector<MonitorFlag> check_monitoring(const nlohmann::json& metrics);

// JSON boundary (CLI and wasm): {"kind": "api"|"prices"|"route"|"monitor"|"volumes", ...}.
// Never throws.
nlohmann::json cost_json_value(const nlohmann::json& request);
std::string cost_json(const std::string& request_text);

}  // namespace vramcalc
