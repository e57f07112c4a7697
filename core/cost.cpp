#include "cost.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "input.hpp"
#include "labels.hpp"
#include "text.hpp"

namespace vramcalc {

namespace embedded {
extern const char* const api_prices_json;
}

using nlohmann::json;

namespace {

constexpr double kMaxMoney = 1e9;   // dollars per million tokens or per hour: anything above is a typo
constexpr double kMaxCount = 1e12;  // calls or tokens

// A figure the user gave or the calculator derived, as JSON: whole numbers as integers (1000,
// not 1000.0), others as they are.
json number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.2e18) return v < 0 ? json(int64_t(v)) : json(uint64_t(v));
  return json(v);
}

// A count (calls, tokens): averages such as 30,416.67 calls a month are printed whole, so floating
// rounding never shows as 1000000.0000000001.
json whole_count(double v) { return number(std::round(v)); }

// "730 hours (30.42 days)": days to two decimals, hours whole where they are.
std::string month_text(double days) {
  const double hours = days * 24.0;
  const double hundredths = std::round(days * 100.0);
  std::string d = plain_number(hundredths / 100.0);
  return plain_number(std::round(hours * 100.0) / 100.0) + " hours (" + d + " days)";
}

PriceCatalog parse_prices(const std::string& text) {
  const json j = json::parse(text);
  PriceCatalog c;
  for (const json& p : j.at("presets")) {
    ApiPricePreset x;
    x.id = p.at("id").get<std::string>();
    x.name = p.at("name").get<std::string>();
    x.input_per_mtok = p.at("input_per_mtok").get<double>();
    if (p.at("cached_input_per_mtok").is_number()) x.cached_input_per_mtok = p.at("cached_input_per_mtok").get<double>();
    x.output_per_mtok = p.at("output_per_mtok").get<double>();
    x.date = p.at("date").is_string() ? p.at("date").get<std::string>() : "";
    c.presets.push_back(x);
  }
  for (const json& g : j.at("gpu_hourly")) {
    c.gpu_hourly.push_back({g.at("gpu").get<std::string>(), g.at("usd_per_hour").get<double>(), g.at("date").get<std::string>()});
  }
  c.hours_per_month = j.at("hours_per_month").at("value").get<double>();
  c.days_per_month = c.hours_per_month / 24.0;
  for (const json& t : j.at("monitoring_thresholds")) {
    c.thresholds.push_back({t.at("metric").get<std::string>(), t.at("label").get<std::string>(),
                            t.at("threshold").get<double>(), t.at("compare") == "at_least", t.at("why").get<std::string>()});
  }
  return c;
}

// A number from a request: JSON number or the text of a form field. Names the field by its label.
std::optional<double> read_number(const json& req, const char* field, double min, double max, bool min_exclusive = false) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return std::nullopt;
  const std::string f = field;
  const double v = read_real_number(*it, f);
  const std::string got = " (got " + describe_input(*it) + ")";
  if (v < 0 && min >= 0) throw InputError("invalid_" + f, f, field_label(f) + " cannot be negative" + got);
  if (v < min || (min_exclusive && v <= min)) {
    throw InputError("invalid_" + f, f, field_label(f) + (min_exclusive ? " must be more than " + plain_number(min) : " must be " + at_least(min)) + got);
  }
  if (v > max) throw InputError("invalid_" + f, f, field_label(f) + " is too large: " + at_most(max) + got);
  return v;
}

std::string read_string(const json& req, const char* field, const std::string& fallback) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return fallback;
  if (!it->is_string()) {
    throw InputError(std::string("invalid_") + field, field, field_label(field) + " must be text (got " + describe_input(*it) + ")");
  }
  return it->get<std::string>();
}

bool read_bool(const json& req, const char* field, bool fallback) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  if (*it == "yes" || *it == "true" || *it == "on") return true;
  if (*it == "no" || *it == "false" || *it == "off") return false;
  throw InputError(std::string("invalid_") + field, field, field_label(field) + " must be yes or no (got " + describe_input(*it) + ")");
}

ApiWorkload workload_from_json(const json& req) {
  const PriceCatalog& pc = price_catalog();
  ApiWorkload w;
  w.days_per_month = pc.days_per_month;
  const std::string preset_id = read_string(req, "preset", "deepseek-r1");
  const ApiPricePreset* preset = pc.find_preset(preset_id);
  if (!preset) {
    std::string ids;
    for (const auto& p : pc.presets) ids += (ids.empty() ? "" : ", ") + p.id;
    throw InputError("unknown_preset", "preset", "unknown price preset " + quote_input(preset_id) + " (one of: " + ids + ")");
  }
  w.input_per_mtok = preset->input_per_mtok;
  w.output_per_mtok = preset->output_per_mtok;
  w.cached_input_per_mtok = preset->cached_input_per_mtok;
  if (auto v = read_number(req, "calls_per_day", 0, kMaxCount)) w.calls_per_day = *v;
  if (auto v = read_number(req, "input_tokens", 0, kMaxCount)) w.input_tokens = *v;
  if (auto v = read_number(req, "output_tokens", 0, kMaxCount)) w.output_tokens = *v;
  if (auto v = read_number(req, "input_price", 0, kMaxMoney)) w.input_per_mtok = *v;
  if (auto v = read_number(req, "output_price", 0, kMaxMoney)) w.output_per_mtok = *v;
  if (auto v = read_number(req, "cached_input_price", 0, kMaxMoney)) w.cached_input_per_mtok = *v;
  if (auto v = read_number(req, "cache_hit_percent", 0, 100)) w.cache_hit_percent = *v;
  if (auto v = read_number(req, "retry_percent", 0, 1e6)) w.retry_percent = *v;
  if (auto v = read_number(req, "days_per_month", 0, 31, true)) w.days_per_month = *v;
  return w;
}

json api_cost_json(const ApiWorkload& w, const ApiCost& c) {
  return {{"calls_per_day", number(w.calls_per_day)},
          {"calls_per_month", whole_count(c.calls_per_month)},
          {"input_tokens", number(w.input_tokens)},
          {"output_tokens", number(w.output_tokens)},
          {"input_price", w.input_per_mtok},
          {"output_price", w.output_per_mtok},
          {"cached_input_price", w.cached_input_per_mtok ? json(*w.cached_input_per_mtok) : json(nullptr)},
          {"cache_hit_percent", number(w.cache_hit_percent)},
          {"retry_percent", number(w.retry_percent)},
          {"retry_multiplier", c.retry_multiplier},
          {"input_cost_per_call", c.input_cost_per_call},
          {"output_cost_per_call", c.output_cost_per_call},
          {"cost_per_call", c.cost_per_call},
          {"cost_per_day", c.cost_per_day},
          {"cost_per_month", c.cost_per_month},
          {"retry_cost_per_month", c.retry_cost_per_month},
          {"input_tokens_per_month", whole_count(c.input_tokens_per_month)},
          {"output_tokens_per_month", whole_count(c.output_tokens_per_month)}};
}

json self_host_json(const SelfHosting& s, const SelfHostCost& h) {
  return {{"devices", s.devices},
          {"usd_per_device_hour", s.usd_per_device_hour},
          {"hours_per_month", number(s.hours_per_month)},
          {"decode_tokens_per_s", s.decode_tokens_per_s},
          {"prefill_tokens_per_s", s.prefill_tokens_per_s},
          {"replica_cost_per_month", h.replica_cost_per_month},
          {"seconds_per_call", h.seconds_per_call},
          {"capacity_calls_per_month", whole_count(std::floor(h.capacity_calls_per_month))},
          {"replicas_needed", h.replicas_needed},
          {"replicas_out_of_range", h.replicas_out_of_range},
          {"cost_per_month", h.cost_per_month},
          {"cost_per_call_at_capacity", h.cost_per_call_at_capacity},
          {"utilization", h.utilization},
          {"needed_decode_tokens_per_s", h.needed_decode_tokens_per_s},
          {"never_cheaper", h.never_cheaper},
          {"break_even_calls_per_day", h.never_cheaper ? json(nullptr) : whole_count(std::ceil(h.break_even_calls_per_day))},
          {"verdict", h.verdict}};
}

std::string group_thousands(const std::string& digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// A whole number of any size with thousands separators (no llround: it is undefined past 2^63).
std::string whole(double n) { return group_thousands(plain_number(std::round(std::max(0.0, n)))); }

std::string money(double usd) {
  // Cents for amounts under a thousand dollars, whole dollars above; below a cent, four
  // significant decimals so a per-call price does not round to $0.00.
  if (usd > 0 && usd < 0.01) {
    const uint64_t tenths_of_milli = uint64_t(std::llround(usd * 1e5));  // $0.00001 steps
    std::string digits = std::to_string(tenths_of_milli);
    while (digits.size() < 5) digits.insert(digits.begin(), '0');
    return "$0." + digits;
  }
  if (usd >= 1000) return "$" + whole(usd);
  const uint64_t cents = uint64_t(std::llround(std::max(0.0, usd) * 100));
  std::string out = "$" + std::to_string(cents / 100);
  out.push_back('.');
  out.push_back(char('0' + (cents % 100) / 10));
  out.push_back(char('0' + cents % 10));
  return out;
}

std::string count(double n) { return whole(n); }

}  // namespace

const PriceCatalog& price_catalog() {
  static const PriceCatalog c = parse_prices(embedded::api_prices_json);
  return c;
}

const ApiPricePreset* PriceCatalog::find_preset(const std::string& id) const {
  for (const auto& p : presets) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const GpuHourlyPrice* PriceCatalog::find_gpu_price(const std::string& gpu) const {
  for (const auto& p : gpu_hourly) {
    if (p.gpu == gpu) return &p;
  }
  return nullptr;
}

ApiCost api_cost(const ApiWorkload& w) {
  if (!(w.calls_per_day >= 1)) {
    throw InputError("invalid_calls_per_day", "calls_per_day", "calls_per_day must be at least 1: with no calls there is nothing to cost");
  }
  if (w.input_tokens + w.output_tokens <= 0) {
    throw InputError("invalid_output_tokens", "output_tokens", "a call needs some input or output tokens");
  }
  for (auto [field, v] : {std::pair{"input_price", w.input_per_mtok}, std::pair{"output_price", w.output_per_mtok}}) {
    if (!(v >= 0)) throw InputError(std::string("invalid_") + field, field, std::string(field) + " must not be negative");
  }
  if (w.cached_input_per_mtok && !(*w.cached_input_per_mtok >= 0)) {
    throw InputError("invalid_cached_input_price", "cached_input_price", "cached_input_price must not be negative");
  }
  if (!(w.retry_percent >= 0) || w.retry_percent >= 100) {
    throw InputError("invalid_retry_percent", "retry_percent",
                     "retry_percent must be at least 0 and below 100: at 100% or more every call fails at least once");
  }
  if (!(w.cache_hit_percent >= 0 && w.cache_hit_percent <= 100)) {
    throw InputError("invalid_cache_hit_percent", "cache_hit_percent", "cache_hit_percent must be between 0 and 100");
  }
  ApiCost c;
  // The seed's rule: a 10% retry rate makes the apparent price 1.1x (each retry is billed in full).
  c.retry_multiplier = 1.0 + w.retry_percent / 100.0;
  const double hit = w.cached_input_per_mtok ? w.cache_hit_percent / 100.0 : 0.0;
  const double cached_price = w.cached_input_per_mtok.value_or(w.input_per_mtok);
  c.input_cost_per_call = w.input_tokens / 1e6 * ((1.0 - hit) * w.input_per_mtok + hit * cached_price);
  c.output_cost_per_call = w.output_tokens / 1e6 * w.output_per_mtok;
  c.cost_per_call = (c.input_cost_per_call + c.output_cost_per_call) * c.retry_multiplier;
  c.cost_per_day = c.cost_per_call * w.calls_per_day;
  c.calls_per_month = w.calls_per_day * w.days_per_month;
  c.cost_per_month = c.cost_per_call * c.calls_per_month;
  c.retry_cost_per_month = c.cost_per_month - c.cost_per_month / c.retry_multiplier;
  c.input_tokens_per_month = c.calls_per_month * w.input_tokens * c.retry_multiplier;
  c.output_tokens_per_month = c.calls_per_month * w.output_tokens * c.retry_multiplier;
  return c;
}

SelfHostCost self_host_cost(const ApiWorkload& w, const ApiCost& api, const SelfHosting& s) {
  if (s.devices < 1) throw InputError("invalid_devices", "devices", "devices must be at least 1");
  if (!(s.usd_per_device_hour >= 0)) throw InputError("invalid_usd_per_device_hour", "usd_per_device_hour", "usd_per_device_hour must not be negative");
  if (!(s.decode_tokens_per_s > 0)) {
    throw InputError("invalid_decode_tokens_per_s", "decode_tokens_per_s", "decode_tokens_per_s must be more than 0 (the replica's output speed)");
  }
  if (!(s.prefill_tokens_per_s > 0)) {
    throw InputError("invalid_prefill_tokens_per_s", "prefill_tokens_per_s", "prefill_tokens_per_s must be more than 0 (the replica's prompt speed)");
  }
  if (!(s.hours_per_month > 0 && s.hours_per_month <= 744)) {
    throw InputError("invalid_hours_per_month", "hours_per_month", "hours_per_month must be more than 0 and at most 744");
  }
  SelfHostCost h;
  h.replica_cost_per_month = s.devices * s.usd_per_device_hour * s.hours_per_month;
  // One call occupies the replica for its prompt at prefill speed and its answer at the
  // aggregate decode speed (batching shares the replica among calls). Retries re-run calls.
  h.seconds_per_call = (w.input_tokens / s.prefill_tokens_per_s + w.output_tokens / s.decode_tokens_per_s) * api.retry_multiplier;
  h.capacity_calls_per_month = s.hours_per_month * 3600.0 / h.seconds_per_call;
  // Replicas in a double (a calls-per-day of 10^12 needs billions: a 32-bit count wraps), then
  // reported as a whole number up to kMaxReplicas and flagged beyond it.
  const double replicas = std::max(1.0, std::ceil(api.calls_per_month / h.capacity_calls_per_month));
  h.replicas_out_of_range = !(replicas <= double(kMaxReplicas));
  h.replicas_needed = h.replicas_out_of_range ? kMaxReplicas : uint64_t(replicas);
  h.cost_per_month = replicas * h.replica_cost_per_month;
  h.cost_per_call_at_capacity = h.replica_cost_per_month / h.capacity_calls_per_month;
  h.utilization = std::clamp(api.calls_per_month / (replicas * h.capacity_calls_per_month), 0.0, 1.0);
  // Output tokens per second the workload needs on average (retries included), to set beside
  // the planner's decode speed.
  h.needed_decode_tokens_per_s = api.output_tokens_per_month / (w.days_per_month * 86400.0);
  if (h.cost_per_call_at_capacity >= api.cost_per_call) {
    h.never_cheaper = true;
    h.verdict = "Self-hosting never becomes cheaper at these settings: even fully busy, a call costs " +
                money(h.cost_per_call_at_capacity) + " on rented devices against " + money(api.cost_per_call) + " through the API.";
  } else {
    h.break_even_calls_per_day = h.replica_cost_per_month / api.cost_per_call / w.days_per_month;
    const bool cheaper_now = h.cost_per_month < api.cost_per_month;
    h.verdict = "Self-hosting breaks even at about " + count(std::ceil(h.break_even_calls_per_day)) +
                " calls per day; at " + count(w.calls_per_day) + " it costs " + money(h.cost_per_month) +
                " a month against " + money(api.cost_per_month) + " through the API (" +
                (cheaper_now ? "cheaper" : "dearer") + ").";
  }
  if (h.replicas_out_of_range) {
    h.verdict += " The workload needs more than " + count(double(kMaxReplicas)) +
                 " replicas, beyond what the calculator counts exactly: the replica count shown is a lower bound.";
  }
  return h;
}

const std::vector<VolumeRow>& volume_rows() {
  // The seed's table: monthly calls, average input and output tokens, and how to read the volume.
  static const std::vector<VolumeRow> rows = {
      {1'000, 1'000, 300, "Prototype"},
      {10'000, 2'000, 600, "Small app"},
      {100'000, 4'000, 1'000, "Production workload"},
      {1'000'000, 2'000, 500, "Procurement problem"},
  };
  return rows;
}

RouteAdvice pick_route(const std::string& stage, double calls_per_day, const std::string& compliance, bool latency_flexible) {
  if (stage != "prototype" && stage != "production") {
    throw InputError("invalid_stage", "stage", "stage must be prototype or production (got " + quote_input(stage) + ")");
  }
  if (compliance != "none" && compliance != "strict") {
    throw InputError("invalid_compliance", "compliance", "compliance must be none or strict (got " + quote_input(compliance) + ")");
  }
  if (!(calls_per_day >= 0)) throw InputError("invalid_calls_per_day", "calls_per_day", "calls_per_day must not be negative");
  // The rules in order; the first that applies decides.
  if (stage == "prototype" && calls_per_day < 1000) {
    return {"free_or_low_cost_tier", "The provider's own low-cost or free tier",
            "You are prototyping with little traffic: learning speed matters more than optimising the route."};
  }
  if (compliance == "strict") {
    return {"direct_vendor_or_marketplace", "A direct vendor contract or a cloud marketplace",
            "Strict compliance needs a procurement trail and audited data handling."};
  }
  if (latency_flexible && calls_per_day > 100000) {
    return {"batch_or_async", "Batch or asynchronous processing",
            "High volume with flexible latency: batch routes are often priced well below real time."};
  }
  if (calls_per_day > 10000) {
    return {"gateway_with_caps", "A gateway or router with budget caps and fallback",
            "At this traffic quota failures reach users: add fallback and spend caps."};
  }
  return {"direct_api_with_monitoring", "The provider's API directly, with monitoring",
          "Moderate traffic: a direct route is simplest; watch retries, 429s and spend."};
}

std::vector<MonitorFlag> check_monitoring(const json& m) {
  if (!m.is_object()) throw InputError("invalid_metrics", "metrics", "metrics must be an object of named values");
  // Derived ratios: the checklist compares some metrics with a baseline.
  auto ratio = [&](const char* now, const char* base, const char* field) -> std::optional<double> {
    auto a = read_number(m, now, 0, 1e15);
    auto b = read_number(m, base, 0, 1e15);
    if (!a || !b) return std::nullopt;
    if (*b == 0) throw InputError(std::string("invalid_") + base, base, std::string(base) + " must be more than 0 to compare " + field);
    return *a / *b;
  };
  std::vector<MonitorFlag> out;
  for (const MonitoringThreshold& t : price_catalog().thresholds) {
    std::optional<double> v;
    if (t.metric == "rate_429_percent") v = read_number(m, "rate_429_percent", 0, 100);
    else if (t.metric == "retry_multiplier") v = read_number(m, "retry_multiplier", 1, 1e6);
    else if (t.metric == "fallback_percent") v = read_number(m, "fallback_percent", 0, 100);
    else if (t.metric == "output_input_ratio_change") v = ratio("output_input_ratio", "output_input_ratio_baseline", "the ratio");
    else if (t.metric == "user_spend_vs_median") v = ratio("top_user_spend", "median_user_spend", "user spend");
    else if (t.metric == "cost_per_task_change") v = ratio("cost_per_task", "cost_per_task_last_week", "cost per task");
    else if (t.metric == "model_error_rate") v = ratio("model_error_percent", "other_models_error_percent", "error rates");
    if (!v) continue;
    const bool alert = t.inclusive ? *v >= t.threshold : *v > t.threshold;
    out.push_back({t.metric, t.label, *v, t.threshold, alert, t.why});
  }
  return out;
}

json cost_json_value(const json& req) {
  try {
    if (!req.is_object()) throw InputError("invalid_request", "request", "the request must be a JSON object");
    const std::string kind = read_string(req, "kind", "api");
    const PriceCatalog& pc = price_catalog();
    if (kind == "api") {
      const ApiWorkload w = workload_from_json(req);
      const ApiCost c = api_cost(w);
      json out = {{"kind", "api"}, {"api", api_cost_json(w, c)}, {"self_host", nullptr}};
      const ApiPricePreset* preset = pc.find_preset(read_string(req, "preset", "deepseek-r1"));
      out["preset"] = {{"id", preset->id}, {"name", preset->name}, {"date", preset->date.empty() ? json(nullptr) : json(preset->date)}};
      if (req.contains("self_host") && !req["self_host"].is_null()) {
        const json& sj = req["self_host"];
        if (!sj.is_object()) throw InputError("invalid_self_host", "self_host", "self_host must be an object");
        SelfHosting s;
        // The same month as the calls': a user's days per month sets the devices' hours too.
        s.hours_per_month = w.days_per_month * 24.0;
        const std::string gpu = read_string(sj, "gpu", "");
        bool priced = false;
        if (const GpuHourlyPrice* gp = pc.find_gpu_price(gpu)) {
          s.usd_per_device_hour = gp->usd_per_hour;
          priced = true;
        }
        if (auto v = read_number(sj, "devices", 1, 100000)) s.devices = uint32_t(*v);
        else throw InputError("invalid_devices", "devices", "devices is required for self-hosting");
        if (auto v = read_number(sj, "usd_per_device_hour", 0, kMaxMoney)) {
          s.usd_per_device_hour = *v;
          priced = true;
        }
        if (!priced) {
          throw InputError("missing_usd_per_device_hour", "usd_per_device_hour",
                           "usd_per_device_hour is required: the data has no hourly price for " +
                               (gpu.empty() ? std::string("this device") : quote_input(gpu)));
        }
        if (auto v = read_number(sj, "hours_per_month", 0, 744)) s.hours_per_month = *v;
        // A thousandth of a token a second (one token in 17 minutes) is slower than any device a
        // model runs on; below it the call times overflow.
        if (auto v = read_number(sj, "decode_tokens_per_s", 0.001, 1e9)) s.decode_tokens_per_s = *v;
        if (auto v = read_number(sj, "prefill_tokens_per_s", 0.001, 1e12)) s.prefill_tokens_per_s = *v;
        out["self_host"] = self_host_json(s, self_host_cost(w, c, s));
      }
      out["assumptions"] = {
          {"month", "a month is " + month_text(w.days_per_month) + " for the calls and for rented devices alike"},
          {"retries", "each retry is billed in full: the retry rate multiplies the price (10% makes it 1.1x)"},
          {"cache", w.cached_input_per_mtok ? "the cache-hit share of input tokens is billed at the cached price"
                                            : "no cached-input price: all input billed at the input price"},
          {"self_host", "one replica serves calls back to back: prompt at prefill speed, answer at the aggregate decode speed; devices are rented on demand and always on"}};
      return out;
    }
    if (kind == "prices") {
      // The editable defaults: API presets and hourly device prices with their dates, and the
      // monitoring thresholds.
      json presets = json::array();
      for (const ApiPricePreset& p : pc.presets) {
        presets.push_back({{"id", p.id}, {"name", p.name}, {"input_price", p.input_per_mtok},
                           {"cached_input_price", p.cached_input_per_mtok ? json(*p.cached_input_per_mtok) : json(nullptr)},
                           {"output_price", p.output_per_mtok}, {"date", p.date.empty() ? json(nullptr) : json(p.date)}});
      }
      json hourly = json::array();
      for (const GpuHourlyPrice& g : pc.gpu_hourly) hourly.push_back({{"gpu", g.gpu}, {"usd_per_hour", g.usd_per_hour}, {"date", g.date}});
      json thresholds = json::array();
      for (const MonitoringThreshold& t : pc.thresholds) {
        thresholds.push_back({{"metric", t.metric}, {"label", t.label}, {"threshold", t.threshold},
                              {"compare", t.inclusive ? "at_least" : "above"}, {"why", t.why}});
      }
      return {{"kind", "prices"}, {"presets", presets}, {"gpu_hourly", hourly}, {"hours_per_month", number(pc.hours_per_month)},
              {"days_per_month", pc.days_per_month}, {"thresholds", thresholds}};
    }
    if (kind == "volumes") {
      ApiWorkload base = workload_from_json(req);
      json rows = json::array();
      for (const VolumeRow& r : volume_rows()) {
        ApiWorkload w = base;
        w.calls_per_day = r.calls_per_month / w.days_per_month;
        w.input_tokens = r.input_tokens;
        w.output_tokens = r.output_tokens;
        const ApiCost c = api_cost(w);
        rows.push_back({{"calls_per_month", whole_count(r.calls_per_month)}, {"input_tokens", whole_count(r.input_tokens)},
                        {"output_tokens", whole_count(r.output_tokens)},
                        {"input_tokens_per_month", whole_count(c.input_tokens_per_month)},
                        {"output_tokens_per_month", whole_count(c.output_tokens_per_month)},
                        {"cost_per_month", c.cost_per_month}, {"reading", r.reading}});
      }
      return {{"kind", "volumes"}, {"input_price", base.input_per_mtok}, {"output_price", base.output_per_mtok},
              {"retry_percent", number(base.retry_percent)}, {"rows", rows}};
    }
    if (kind == "route") {
      const double traffic = read_number(req, "calls_per_day", 0, kMaxCount).value_or(0);
      const RouteAdvice r = pick_route(read_string(req, "stage", "prototype"), traffic, read_string(req, "compliance", "none"),
                                       read_bool(req, "latency_flexible", false));
      return {{"kind", "route"}, {"route", r.route}, {"name", r.name}, {"reason", r.reason}};
    }
    if (kind == "monitor") {
      auto it = req.find("metrics");
      const json metrics = it == req.end() ? json::object() : *it;
      json flags = json::array();
      int alerts = 0;
      for (const MonitorFlag& f : check_monitoring(metrics)) {
        alerts += f.alert;
        flags.push_back({{"metric", f.metric}, {"label", f.label}, {"value", f.value}, {"threshold", f.threshold},
                         {"alert", f.alert}, {"why", f.why}});
      }
      return {{"kind", "monitor"}, {"flags", flags}, {"alerts", alerts}};
    }
    throw InputError("invalid_kind", "kind", "kind must be api, prices, volumes, route or monitor (got " + quote_input(kind) + ")");
  } catch (...) {
    return json::parse(error_text_for_current_exception());
  }
}

std::string cost_json(const std::string& request_text) {
  return answer_or_error([&] {
    const json req = json::parse(request_text, nullptr, false);
    if (req.is_discarded()) return error_json_text("invalid_request", "request", "the request is not valid JSON");
    return cost_json_value(req).dump(-1, ' ', false, json::error_handler_t::replace);
  });
}

}  // namespace vramcalc
