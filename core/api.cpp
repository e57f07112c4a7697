#include "api.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "catalog_other.hpp"
#include "errors.hpp"
#include "fields.hpp"
#include "hardware.hpp"
#include "input.hpp"
#include "json_writer.hpp"
#include "mix.hpp"
#include "compare.hpp"
#include "labels.hpp"
#include "text.hpp"
#include "planner.hpp"
#include "request_fields.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

// Far above any count the calculator accepts (each field has its own limit after this), low
// enough that no arithmetic on it overflows.
constexpr uint64_t kMaxRequestCount = 1'000'000'000'000'000ull;

}  // namespace

// The field readers of request_fields.hpp.
uint64_t read_count(const json& req, const char* field, uint64_t fallback) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return fallback;
  return read_whole_number(*it, field, kMaxRequestCount);
}

std::string read_text(const json& req, const char* field, const std::string& fallback) {
  auto it = req.find(field);
  if (it == req.end() || it->is_null()) return fallback;
  if (!it->is_string()) {
    throw InputError(std::string("invalid_") + field, field, field_label(field) + " must be text (got " + describe_input(*it) + ")");
  }
  return it->get<std::string>();
}

// A positive real number (GB, GB/s), as a JSON number or the text of one.
double read_positive(const json& v, const std::string& f) {
  const double d = read_real_number(v, f);
  if (d <= 0) throw InputError("invalid_" + f, f, field_label(f) + " must be more than 0 (got " + describe_input(v) + ")");
  return d;
}

bool present(const json& req, const char* field) { return req.contains(field) && !req[field].is_null(); }


std::optional<PlanRequest> plan_request_from_json(const json& req) {
  if (!req.is_object()) return std::nullopt;
  const bool custom = present(req, "custom_gpu");
  if (!present(req, "gpu") && !custom) {
    for (const char* f : {"gpus", "offload", "gpu_layers", "cpu_moe_layers", "ram_gb", "ram_bytes", "host", "host_sockets"}) {
      if (present(req, f)) {
        throw InputError("missing_gpu", "gpu", field_label(f) + " needs a device: choose one (gpu) or describe one (custom_gpu)");
      }
    }
    return std::nullopt;
  }
  PlanRequest p;
  if (custom) {
    const json& c = req["custom_gpu"];
    if (!c.is_object()) {
      throw InputError("invalid_custom_gpu", "custom_gpu", "Custom GPU must be an object {memory_gb, bandwidth_gb_per_s}");
    }
    // Limits: 100 TB of memory or 100 TB/s is beyond any device (a typo, not hardware); below
    // 1 GB/s no memory a model runs from is this slow, and speeds would print as 0.0 tokens/s.
    struct Limit { const char* key; double min; double max; bool required; };
    const Limit limits[] = {{"memory_gb", 0, 100000, true}, {"bandwidth_gb_per_s", 1, 100000, true}, {"fp16_tflops", 0, 1e6, false}};
    double value[3] = {0, 0, 0};
    for (size_t i = 0; i < 3; ++i) {
      const std::string f = std::string("custom_gpu.") + limits[i].key;
      if (!present(c, limits[i].key)) {
        if (limits[i].required) throw InputError("invalid_custom_gpu", f, field_label(f) + " is required for a custom GPU");
        continue;
      }
      const json& v = c[limits[i].key];
      value[i] = read_real_number(v, f);
      if (value[i] <= 0) throw InputError("invalid_custom_gpu", f, field_label(f) + " must be more than 0 (got " + describe_input(v) + ")");
      if (value[i] < limits[i].min) {
        throw InputError("invalid_custom_gpu", f, field_label(f) + " must be " + at_least(limits[i].min) +
                                                      ": slower than any memory a model runs from (got " + describe_input(v) + ")");
      }
      if (value[i] > limits[i].max) {
        throw InputError("invalid_custom_gpu", f, field_label(f) + " is beyond any device: " + at_most(limits[i].max) +
                                                      " (got " + describe_input(v) + ")");
      }
    }
    p.custom = custom_device(value[0], value[1], value[2]);
  } else {
    p.gpu = read_text(req, "gpu", "");
  }
  if (present(req, "gpus")) {
    p.count = read_count(req, "gpus", 1);
    if (p.count < 1 || p.count > kMaxDevices) {
      throw InputError("invalid_gpus", "gpus", "gpus must be between 1 and " + std::to_string(kMaxDevices) + " (got " + std::to_string(p.count) + ")");
    }
  }
  json offload = present(req, "offload") ? req["offload"] : json();
  const json* opts = &req;
  if (offload.is_object()) {
    opts = &req["offload"];
    offload = present(offload, "mode") ? offload["mode"] : json("none");
  }
  if (!offload.is_null()) {
    if (offload == "none") p.offload = Offload::none;
    else if (offload == "layers") p.offload = Offload::layers;
    else if (offload == "experts") p.offload = Offload::experts;
    else throw InputError("invalid_offload", "offload", "offload must be none, layers or experts (got " + describe_input(offload) + ")");
  }
  for (const json* src : {opts, &req}) {
    if (present(*src, "gpu_layers") && !p.gpu_layers) p.gpu_layers = read_count(*src, "gpu_layers", 0);
    if (present(*src, "cpu_moe_layers") && !p.cpu_moe_layers) p.cpu_moe_layers = read_count(*src, "cpu_moe_layers", 0);
  }
  if (present(req, "ram_bytes")) {
    p.ram_bytes = read_count(req, "ram_bytes", 0);
    if (*p.ram_bytes == 0) throw InputError("invalid_ram_bytes", "ram_bytes", "ram_bytes must be more than 0");
  } else if (present(req, "ram_gb")) {
    // RAM is sold in GiB-sized "GB" (a 64 GB kit holds 64 x 2^30 bytes).
    const double gb = read_positive(req["ram_gb"], "ram_gb");
    if (gb > 1e6) throw InputError("invalid_ram_gb", "ram_gb", "ram_gb is far too large: " + at_most(1e6) + " (got " + describe_input(req["ram_gb"]) + ")");
    p.ram_bytes = uint64_t(std::llround(gb * double(1ull << 30)));
  }
  p.host = read_text(req, "host", "");
  p.host_sockets = read_count(req, "host_sockets", 1);
  return p;
}

// The summary of a GGUF header (gguf_summary_json) handed back in a request.
GgufFileWeights gguf_weights_from_json(const json& g) {
  if (!g.is_object() || !g.contains("config") || !g.contains("weights_by_type")) {
    throw InputError("invalid_gguf", "gguf", "gguf must be the summary of a GGUF header (with config and weights_by_type)");
  }
  auto count = [&](const json& o, const char* f) -> uint64_t {
    auto it = o.find(f);
    // A non-negative integer, however the JSON was built (a parser stores it unsigned).
    if (it == o.end() || !it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0)) {
      throw InputError("invalid_gguf", std::string("gguf.") + f, std::string("gguf.") + f + " must be a whole number of bytes or values");
    }
    return it->get<uint64_t>();
  };
  GgufFileWeights w;
  w.weights_bytes = count(g, "weights_bytes");
  w.file_bytes = count(g, "file_bytes");
  w.file_type = uint32_t(count(g, "file_type"));
  w.name = g.value("name", std::string());
  w.mla_legacy = g.value("mla_legacy", false);
  if (g.contains("files")) {
    const json& f = g["files"];
    if (!f.is_array() || f.size() > 256) throw InputError("invalid_gguf", "gguf.files", "gguf.files must be a list of file names");
    for (const json& n : f) {
      if (!n.is_string()) throw InputError("invalid_gguf", "gguf.files", "gguf.files must be a list of file names");
      w.files.push_back(n.get<std::string>().substr(0, 200));
    }
  }
  for (const json& t : g.at("weights_by_type")) {
    WeightPart p;
    const std::string type = t.value("type", std::string());
    p.label = "other";
    for (size_t i = 0; i < kGgmlTypeCount; ++i) {
      if (type == ggml_type_name(static_cast<GgmlType>(i))) p.label = ggml_type_name(static_cast<GgmlType>(i));
    }
    p.tensors = count(t, "tensors");
    p.params = count(t, "params");
    p.bytes = count(t, "bytes");
    w.parts.push_back(p);
  }
  return w;
}

json error_json(const std::string& code, const std::string& field, const std::string& message) {
  return json::parse(error_json_text(code, field, labelled_message(field, message)));
}

EstimateRequest request_from_json(const json& req) {
  if (!req.is_object()) throw InputError("invalid_request", "request", "the request must be a JSON object");
  EstimateRequest r;
  if (req.contains("gguf") && !req["gguf"].is_null()) {
    try {
      r.gguf_file = gguf_weights_from_json(req["gguf"]);
    } catch (const json::exception&) {
      throw InputError("invalid_gguf", "gguf", "gguf must be the summary of a GGUF header as the GGUF reader writes it");
    }
    r.custom = arch_from_hf_config(req["gguf"].at("config"));
    r.custom->name = r.gguf_file->name.empty() ? "GGUF file" : r.gguf_file->name;
  } else if (req.contains("config_text") && !req["config_text"].is_null()) {
    r.custom = arch_from_hf_config_text(read_text(req, "config_text", ""));
  } else if (req.contains("config") && !req["config"].is_null()) {
    r.custom = arch_from_hf_config(req["config"]);
  } else {
    r.model = read_text(req, "model", r.model);
  }
  // A quantized checkpoint's config gives its own format by default (AWQ, GPTQ, FP8, MXFP4, ...).
  const bool quantized_checkpoint = r.custom && !r.gguf_file && !r.custom->checkpoint.method.empty();
  r.quant = read_text(req, "quant", quantized_checkpoint ? std::string("checkpoint") : r.quant);
  r.context = read_count(req, "context", r.context);
  // The range the page and the CLI state; the estimate itself works down to one token.
  if (present(req, "context") && r.context < kMinContext) {
    throw InputError("invalid_context", "context", "context must be " + at_least(kMinContext) + (kMinContext == 1 ? " token (got " : " tokens (got ") +
                                                       describe_input(req["context"]) + ")");
  }
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
    else throw InputError("invalid_imatrix", "imatrix", "imatrix must be on or off (got " + describe_input(im) + ")");
  }
  if (req.contains("flash_attn") && !req["flash_attn"].is_null()) {
    const json& fa = req["flash_attn"];
    if (fa.is_boolean()) r.flash_attn = fa.get<bool>();
    else if (fa == "on") r.flash_attn = true;
    else if (fa == "off") r.flash_attn = false;
    else if (fa != "auto") throw InputError("invalid_flash_attn", "flash_attn", "flash_attn must be on, off or auto (got " + describe_input(fa) + ")");
  }
  return r;
}

namespace {

// The estimate, with the hardware planner (plan, speed, suggested_gpu) or without it: the
// WebAssembly module that draws the first result leaves the planner out to stay small, and
// refuses the hardware fields with a message instead. Either way the estimate's own fields come
// from one writer, so both modules and the CLI print the same text.
template <bool kWithHardware>
std::string estimate_value_text(const json& request) {
  return answer_or_error([&]() -> std::string {
    EstimateRequest r = request_from_json(request);
    if constexpr (kWithHardware) {
      // The other models' catalogue (data/models_other.json) comes with this module only.
      resolve_other_model(r);
    }
    if constexpr (!kWithHardware) {
      for (const char* f : {"mix", "gpu", "custom_gpu", "gpus", "offload", "gpu_layers", "cpu_moe_layers", "ram_gb", "ram_bytes",
                            "host", "host_sockets", "suggest_gpu", "compare_runtimes"}) {
        if (present(request, f)) {
          throw InputError("needs_planner", f, std::string(f) + (f[0] == 'm' ? " (a custom mix) needs the extras module, which this module leaves out"
                                                                           : " needs the hardware planner, which this module leaves out"));
        }
      }
      return to_json_text(estimate(r));
    } else {
      if (present(request, "mix")) apply_mix(r, read_text(request, "mix", ""));
      const std::optional<PlanRequest> pr = plan_request_from_json(request);
      const Estimate e = estimate(r);
      std::string text = to_json_text(e);
      json extra = json::object();
      if (pr) {
        const Plan p = plan(e, *pr);
        extra["plan"] = to_json(p);
        extra["speed"] = to_json(p.speed);
      }
      if (present(request, "compare_runtimes")) {
        if (!request["compare_runtimes"].is_boolean()) {
          throw InputError("invalid_compare_runtimes", "compare_runtimes", "compare_runtimes must be true or false");
        }
        if (request["compare_runtimes"].get<bool>()) extra["compare_runtimes"] = compare_runtimes(r, pr);
      }
      if (present(request, "suggest_gpu")) {
        const json& sg = request["suggest_gpu"];
        if (sg.is_string()) {
          extra["suggested_gpu"] = to_json(suggest_gpu(e, sg.get<std::string>()));
        } else if (sg.is_boolean()) {
          if (sg.get<bool>()) extra["suggested_gpu"] = to_json(suggest_gpu(e));
        } else {
          throw InputError("invalid_suggest_gpu", "suggest_gpu", "suggest_gpu must be true or a datacenter device id");
        }
      }
      // Append the planner's objects to the estimate object.
      for (const auto& [k, v] : extra.items()) {
        text.pop_back();
        text += ",\"" + k + "\":" + v.dump(-1, ' ', false, json::error_handler_t::replace) + "}";
      }
      return text;
    }
  });
}

template <bool kWithHardware>
std::string estimate_text(const std::string& request_text) {
  return answer_or_error([&] {
    const json req = json::parse(request_text, nullptr, false);
    if (req.is_discarded()) return error_json_text("invalid_request", "request", "the request is not valid JSON");
    return estimate_value_text<kWithHardware>(req);
  });
}

}  // namespace

json estimate_json_value(const json& request) { return json::parse(estimate_value_text<true>(request)); }

std::string estimate_json(const std::string& request_text) { return estimate_text<true>(request_text); }
std::string estimate_json_without_hardware(const std::string& request_text) { return estimate_text<false>(request_text); }

std::string catalog_json_text(bool with_devices) {
  const Catalog& c = catalog();
  JsonWriter w;
  w.begin_object();
  w.key("models").begin_array();
  for (const CatalogModel& m : c.models) {
    w.begin_object();
    w.field("id", m.arch.id).field("name", m.arch.name).field("family", m.arch.family).field("arch", m.arch.arch);
    w.field("hf_repo", m.hf_repo).field("params_official", m.params_official);
    w.field("params_active_official", m.params_active_official).field("base_model", m.base_model);
    w.field("context_max", m.arch.n_ctx_max).field("attention", attention_kind_name(m.arch.attention));
    w.field("moe", m.arch.is_moe()).field("params_total", m.params.total).field("params_active", m.params.active);
    w.end_object();
  }
  w.end_array();
  w.key("quants").begin_array();
  for (const QuantFormat& q : c.quants) {
    w.begin_object().field("name", q.name).field("kind", q.gguf ? "gguf" : "gpu").field("group", quant_group(q));
    w.field("nominal_bits", q.nominal_bits);
    w.field("description", q.description).end_object();
  }
  w.end_array();
  w.key("runtimes").begin_array();
  for (const RuntimeProfile& r : c.runtimes) {
    w.begin_object().field("id", r.id).field("name", r.name).field("engine", r.engine).field("describes", r.describes);
    w.key("kv_types").begin_array();
    for (const std::string& k : r.kv_types) w.value(k);
    w.end_array();
    w.field("kv_type_default", r.kv_type_default).field("flash_attn_default", r.flash_attn_default);
    w.field("ubatch_default", r.ubatch_default).end_object();
  }
  w.end_array();
  auto positive_or_null = [&](const char* k, double v) {
    w.key(k);
    if (v > 0) w.value(v);
    else w.null();
  };
  if (with_devices) {
    w.key("devices").begin_array();
    for (const Device& g : hardware().devices) {
      w.begin_object().field("id", g.id).field("name", g.name).field("vendor", g.vendor).field("class", g.device_class).field("family", g.family);
      if (g.is_cpu()) {
        w.key("memory_gb").null().key("memory_bytes").null().key("usable_bytes").null();
      } else {
        w.field("memory_gb", g.memory_gb).field("memory_bytes", g.memory_bytes).field("usable_bytes", g.usable_bytes);
      }
      w.field("bandwidth_gb_per_s", g.bandwidth_gb_per_s);
      positive_or_null("fp16_tflops", g.fp16_tflops);
      positive_or_null("fp8_tflops", g.fp8_tflops);
      w.end_object();
    }
    w.end_array();
  }
  const EstimateRequest d;
  w.key("defaults").begin_object().field("model", d.model).field("quant", d.quant).field("context", d.context);
  w.field("sequences", d.sequences).field("runtime", d.runtime).end_object();
  w.key("limits").begin_object().field("context_min", kMinContext).field("context_max", kMaxContext);
  w.field("sequences_max", kMaxSequences).end_object();
  w.end_object();
  return w.take();
}

json catalog_json() { return json::parse(catalog_json_text()); }

}  // namespace vramcalc
