#include "api.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "errors.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

uint64_t read_count(const json& req, const char* field, uint64_t fallback) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return fallback;
  const json& v = *it;
  const std::string f = field;
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    if (v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
    throw InputError("invalid_" + f, f, f + " must be a positive whole number (got " + v.dump() + ")");
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < 0 || d != std::floor(d)) {
      throw InputError("invalid_" + f, f, f + " must be a positive whole number (got " + v.dump() + ")");
    }
    if (d > 1e15) throw InputError("invalid_" + f, f, f + " is far too large (got " + v.dump() + ")");
    return static_cast<uint64_t>(d);
  }
  if (v.is_string()) {
    // Numbers typed in a form or a URL arrive as text.
    const std::string s = v.get<std::string>();
    if (s.empty()) throw InputError("invalid_" + f, f, f + " is empty: enter a whole number");
    uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') throw InputError("invalid_" + f, f, f + " must be a positive whole number (got \"" + s + "\")");
      if (n > 100'000'000'000'000ull) throw InputError("invalid_" + f, f, f + " is far too large (got \"" + s + "\")");
      n = n * 10 + uint64_t(c - '0');
    }
    return n;
  }
  throw InputError("invalid_" + f, f, f + " must be a number (got " + v.dump() + ")");
}

std::string read_text(const json& req, const char* field, const std::string& fallback) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw InputError(std::string("invalid_") + field, field, std::string(field) + " must be a string");
  return it->get<std::string>();
}

}  // namespace

json error_json(const std::string& code, const std::string& field, const std::string& message) {
  return {{"error", {{"code", code}, {"field", field}, {"message", message}}}};
}

EstimateRequest request_from_json(const json& req) {
  if (!req.is_object()) throw InputError("invalid_request", "request", "the request must be a JSON object");
  EstimateRequest r;
  if (req.contains("config_text") && !req["config_text"].is_null()) {
    r.custom = arch_from_hf_config_text(read_text(req, "config_text", ""));
  } else if (req.contains("config") && !req["config"].is_null()) {
    r.custom = arch_from_hf_config(req["config"]);
  } else {
    r.model = read_text(req, "model", r.model);
  }
  r.quant = read_text(req, "quant", r.quant);
  r.context = read_count(req, "context", r.context);
  r.sequences = read_count(req, "sequences", r.sequences);
  r.kv_type = read_text(req, "kv_type", "");
  r.runtime = read_text(req, "runtime", r.runtime);
  r.ubatch = read_count(req, "ubatch", 0);
  if (req.contains("ubatch") && !req["ubatch"].is_null() && r.ubatch == 0) {
    throw InputError("invalid_ubatch", "ubatch", "ubatch must be at least 1");
  }
  if (req.contains("imatrix") && !req["imatrix"].is_null()) {
    const json& im = req["imatrix"];
    if (im.is_boolean()) r.imatrix = im.get<bool>();
    else if (im == "on" || im == "off") r.imatrix = im == "on";
    else throw InputError("invalid_imatrix", "imatrix", "imatrix must be on or off");
  }
  if (req.contains("flash_attn") && !req["flash_attn"].is_null()) {
    const json& fa = req["flash_attn"];
    if (fa.is_boolean()) r.flash_attn = fa.get<bool>();
    else if (fa == "on") r.flash_attn = true;
    else if (fa == "off") r.flash_attn = false;
    else if (fa != "auto") throw InputError("invalid_flash_attn", "flash_attn", "flash_attn must be on, off or auto");
  }
  return r;
}

json estimate_json_value(const json& request) {
  try {
    return to_json(estimate(request_from_json(request)));
  } catch (const InputError& e) {
    return error_json(e.code(), e.field(), e.what());
  } catch (const std::exception& e) {
    return error_json("internal", "", std::string("internal error: ") + e.what());
  }
}

std::string estimate_json(const std::string& request_text) {
  const json req = json::parse(request_text, nullptr, false);
  if (req.is_discarded()) return error_json("invalid_request", "request", "the request is not valid JSON").dump();
  return estimate_json_value(req).dump();
}

json catalog_json() {
  const Catalog& c = catalog();
  json models = json::array();
  for (const CatalogModel& m : c.models) {
    const ParamCounts& p = m.params;
    models.push_back({{"id", m.arch.id}, {"name", m.arch.name}, {"family", m.arch.family}, {"arch", m.arch.arch},
                      {"hf_repo", m.hf_repo}, {"params_official", m.params_official},
                      {"params_active_official", m.params_active_official}, {"base_model", m.base_model},
                      {"context_max", m.arch.n_ctx_max}, {"attention", attention_kind_name(m.arch.attention)},
                      {"moe", m.arch.is_moe()}, {"params_total", p.total}, {"params_active", p.active}});
  }
  json quants = json::array();
  for (const QuantFormat& q : c.quants) {
    quants.push_back({{"name", q.name}, {"kind", q.gguf ? "gguf" : "gpu"}, {"nominal_bits", q.nominal_bits},
                      {"description", q.description}});
  }
  json runtimes = json::array();
  for (const RuntimeProfile& r : c.runtimes) {
    runtimes.push_back({{"id", r.id}, {"name", r.name}, {"engine", r.engine}, {"describes", r.describes},
                        {"kv_types", r.kv_types}, {"kv_type_default", r.kv_type_default},
                        {"flash_attn_default", r.flash_attn_default}, {"ubatch_default", r.ubatch_default}});
  }
  const EstimateRequest d;
  return {{"models", models}, {"quants", quants}, {"runtimes", runtimes},
          {"defaults", {{"model", d.model}, {"quant", d.quant}, {"context", d.context}, {"sequences", d.sequences},
                        {"runtime", d.runtime}}},
          {"limits", {{"context_max", kMaxContext}, {"sequences_max", kMaxSequences}}}};
}

std::string catalog_json_text() { return catalog_json().dump(); }

}  // namespace vramcalc
