#include "solve_api.hpp"

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "catalog_other.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "hardware.hpp"
#include "json_writer.hpp"
#include "request_fields.hpp"
#include "solve.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

// The estimate request of a solver: any catalogue model, the other models' included.
EstimateRequest solver_request(const json& req) {
  EstimateRequest r = request_from_json(req);
  resolve_other_model(r);
  return r;
}

std::string gb(uint64_t bytes) {
  const uint64_t hundredths = uint64_t(std::llround(double(bytes) / 1e7));
  const uint64_t frac = hundredths % 100;
  return std::to_string(hundredths / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac) + " GB";
}

// A positive figure to three decimals, or none (zero, negative or not finite: not a figure).
std::optional<double> positive_rounded(double v) {
  if (!(v > 0 && std::isfinite(v))) return std::nullopt;
  return std::round(v * 1000.0) / 1000.0;
}
json num_or_null(double v) {
  const std::optional<double> r = positive_rounded(v);
  return r ? json(*r) : json(nullptr);
}
json count_or_null(const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); }

const Device* device_of(const PlanRequest& pr) { return pr.custom ? &*pr.custom : hardware().find(pr.gpu); }

// A device that cannot hold even the first layer llama.cpp offloads (the output layer, -ngl 1)
// with its compute buffer and CUDA context is bad input, not a verdict.
void require_a_layer(const EstimateRequest& er, const PlanRequest& pr) {
  EstimateRequest r = er;
  r.context = 1;
  const Estimate e = estimate(r);
  const Device* d = device_of(pr);
  // (KTransformers places by module, not by layer: its plans say whether the GPU holds its part.)
  if (!e.runtime->is_llama_cpp() || e.runtime->experts_in_ram || !d || d->is_cpu()) return;
  PlanRequest one = pr;
  one.offload = Offload::layers;
  one.gpu_layers = 1;
  one.cpu_moe_layers.reset();
  one.ram_bytes.reset();
  PlanOptions o;
  o.minimum = false;
  o.speed = false;
  const Plan p = plan(e, one, o);
  if (p.fits) return;
  const uint64_t need = p.devices.empty() ? 0 : p.devices.front().total_bytes;
  throw InputError("device_too_small", pr.custom ? "custom_gpu.memory_gb" : "gpu",
                   d->name + " (" + gb(d->usable_bytes) + ") cannot hold even one layer of " + e.arch->name + " at " +
                       e.quant->name + ": the output layer with its compute buffer and CUDA context needs " + gb(need));
}

PlanRequest device_required(const json& req, const char* what) {
  const std::optional<PlanRequest> pr = plan_request_from_json(req);
  if (!pr) throw InputError("missing_gpu", "gpu", std::string(what) + " needs a device: give gpu (or custom_gpu)");
  return *pr;
}

json plan_summary(const Plan& p) {
  json devices = json::array();
  for (const DevicePart& d : p.devices) {
    devices.push_back({{"label", d.label}, {"total_bytes", d.total_bytes}, {"budget_bytes", d.budget_bytes}, {"fits", d.fits}});
  }
  return {{"offload", offload_name(p.offload)}, {"gpu_layers", p.gpu_layers}, {"cpu_moe_layers", p.cpu_moe_layers},
          {"devices", devices}, {"ram_needed_bytes", p.ram_needed_bytes}, {"fits", p.fits}};
}

json max_context_json(const MaxContext& mc) {
  json j = {{"tokens", count_or_null(mc.tokens)},
            {"sequences", mc.sequences},
            {"binding", mc.binding},
            {"binding_label", mc.binding_label},
            {"explanation", mc.explanation},
            {"model_max", mc.model_max},
            {"granule_cells", mc.granule_cells},
            {"probes", mc.probes},
            {"total_bytes_at_max", mc.total_bytes_at_max}};
  j["plan_at_max"] = mc.plan_at_max ? plan_summary(*mc.plan_at_max) : json(nullptr);
  return j;
}

json format_json(const FormatFit& f) {
  return {{"quant", f.quant}, {"bits_per_weight", std::round(f.bits_per_weight * 1000.0) / 1000.0}, {"weights_bytes", f.weights_bytes},
          {"total_bytes", f.total_bytes}, {"fits", f.fits}, {"headroom_bytes", f.headroom_bytes}};
}

json sweep_json(const Sweep& s) {
  json pts = json::array();
  for (const SweepPoint& p : s.points) {
    pts.push_back({{"gpu_layers", p.gpu_layers}, {"cpu_moe_layers", p.cpu_moe_layers}, {"device_bytes", p.device_bytes},
                   {"vram_bytes", p.vram_bytes}, {"ram_bytes", p.ram_bytes},
                   {"decode_tokens_per_s", num_or_null(p.decode_tokens_per_s)}, {"fits", p.fits}});
  }
  return {{"axis", s.axis}, {"points", pts}, {"fastest", s.fastest ? json(*s.fastest) : json(nullptr)},
          {"speed", "expected decode tokens/s per sequence at sustained bandwidth"}};
}

// The answers of the fit table are written as text (hundreds of rows; building them as JSON
// values first took a fifth of the table's time in the WebAssembly module), with the keys in the
// order nlohmann::json's dump() gives them, so the text is the same either way.
void write_number_or_null(JsonWriter& w, double v) {
  const std::optional<double> r = positive_rounded(v);
  if (r) w.value(*r);
  else w.null();
}

void write_count_or_null(JsonWriter& w, const std::optional<uint64_t>& v) {
  if (v) w.value(*v);
  else w.null();
}

void write_row(JsonWriter& w, const FitRow& r, const std::string& reason) {
  w.begin_object();
  w.field("bits_per_weight", std::round(r.bits_per_weight * 1000.0) / 1000.0);
  w.field("cpu_moe_layers", r.cpu_moe_layers);
  w.key("decode_tokens_per_s");
  write_number_or_null(w, r.decode_tokens_per_s);
  w.field("gpu_layers", r.gpu_layers);
  w.field("group", r.group);
  w.key("max_context");
  write_count_or_null(w, r.max_context);
  w.field("max_context_binding", r.max_context_binding);
  w.field("model", r.model);
  w.field("model_name", r.model_name);
  w.field("offload", offload_name(r.offload));
  w.field("params_total", r.params_total);
  w.field("quant", r.quant);
  w.field("ram_bytes", r.ram_bytes);
  w.field("reason", reason);
  w.field("runtime", r.runtime);
  w.field("verdict", r.verdict);
  w.field("verdict_text", r.verdict_text);
  w.field("vram_bytes", r.vram_bytes);
  w.end_object();
}

Machine machine_from(const json& req, const PlanRequest& pr) {
  Machine m;
  m.place = pr;
  m.runtime = read_text(req, "runtime", m.runtime);
  m.kv_type = read_text(req, "kv_type", "");
  const EstimateRequest er = solver_request(req);  // validates flash_attn and the rest
  m.flash_attn = er.flash_attn;
  return m;
}

json machine_json(const Machine& m, const json& req) {
  const Device* d = device_of(m.place);
  json j = {{"gpu", d ? json(d->id) : json(nullptr)}, {"gpu_name", d ? json(d->name) : json(nullptr)}, {"gpus", m.place.count},
            {"ram_bytes", count_or_null(m.place.ram_bytes)},
            {"host", m.place.host.empty() ? hardware().speed.default_host : m.place.host}, {"runtime", m.runtime}};
  if (m.place.custom) j["custom_gpu"] = {{"memory_bytes", m.place.custom->memory_bytes}, {"bandwidth_gb_per_s", m.place.custom->bandwidth_gb_per_s}};
  (void)req;
  return j;
}

std::string fit_text(const json& req) {
  PlanRequest pr = device_required(req, "the fit table");
  const Machine m = machine_from(req, pr);
  FitRequest fr;
  fr.machine = m;
  fr.context = present(req, "context") ? read_count(req, "context", fr.context) : fr.context;
  if (fr.context < 1 || fr.context > kMaxContext) throw InputError("invalid_context", "context", "context must be between 1 and " + std::to_string(kMaxContext));
  fr.sequences = read_count(req, "sequences", 1);
  if (fr.sequences < 1 || fr.sequences > kMaxSequences) throw InputError("invalid_sequences", "sequences", "sequences must be between 1 and " + std::to_string(kMaxSequences));
  if (present(req, "min_speed")) fr.min_tokens_per_s = read_positive(req["min_speed"], "min_speed");
  if (present(req, "models")) {
    if (!req["models"].is_array()) throw InputError("invalid_models", "models", "models must be a list of catalogue ids");
    for (const json& x : req["models"]) {
      if (!x.is_string()) throw InputError("invalid_models", "models", "models must be a list of catalogue ids");
      fr.models.push_back(x.get<std::string>());
    }
  }
  if (present(req, "other_models")) {
    if (!req["other_models"].is_boolean()) throw InputError("invalid_other_models", "other_models", "other_models must be true or false");
    fr.other_models = req["other_models"].get<bool>();
  }
  // The smallest model of the table at its smallest format must fit one layer on the device.
  {
    const Catalog& cat = catalog();
    const CatalogModel* smallest = nullptr;
    for (const CatalogModel& cm : cat.models) {
      if (!fr.models.empty() && std::find(fr.models.begin(), fr.models.end(), cm.arch.id) == fr.models.end()) continue;
      if (!smallest || cm.params.total < smallest->params.total) smallest = &cm;
    }
    const RuntimeProfile* rt = cat.find_runtime(m.runtime);
    if (smallest && rt) {
      std::string lightest;
      uint64_t least = UINT64_MAX;
      for (const QuantFormat& q : cat.quants) {
        if (!runtime_runs(*rt, q)) continue;
        const Estimate e = estimate(request_on(m, smallest->arch.id, q.name, 1, 1));
        if (e.weights.bytes < least) { least = e.weights.bytes; lightest = q.name; }
      }
      if (!lightest.empty()) require_a_layer(request_on(m, smallest->arch.id, lightest, 1, 1), pr);
    }
  }
  const FitTable t = fit_table(fr);
  JsonWriter w;
  w.begin_object();
  w.field("context", fr.context);
  w.key("machine").raw(machine_json(m, req).dump());
  w.field("min_speed", fr.min_tokens_per_s);
  w.field("probes", t.probes);
  w.key("recommendation");
  if (t.recommendation) write_row(w, t.rows[*t.recommendation], t.recommendation_reason);
  else w.null();
  w.field("recommendation_reason", t.recommendation_reason);
  w.key("rows").begin_array();
  for (const FitRow& r : t.rows) write_row(w, r, r.reason);
  w.end_array();
  w.key("rules").begin_array();
  for (const std::string& rule : t.rules) w.value(rule);
  w.end_array();
  w.field("sequences", fr.sequences);
  w.end_object();
  return w.take();
}

json reasoning_json(const json& req) {
  PlanRequest pr = device_required(req, "the reasoning budget");
  const EstimateRequest er = solver_request(req);
  require_a_layer(er, pr);
  ReasoningRequest rr;
  rr.prompt_tokens = read_count(req, "prompt_tokens", 0);
  rr.thinking_tokens = read_count(req, "thinking_tokens", 0);
  rr.answer_tokens = read_count(req, "answer_tokens", 0);
  for (const char* f : {"prompt_tokens", "thinking_tokens", "answer_tokens"}) {
    if (present(req, f) && read_count(req, f, 0) == 0) {
      throw InputError(std::string("invalid_") + f, f, std::string(f) + " must be at least 1 token");
    }
  }
  const Reasoning r = reasoning_budget(er, pr, rr);
  json est_req = req;
  est_req["context"] = r.context_needed;
  est_req.erase("solve");
  est_req.erase("launch_commands");
  json out = {{"prompt_tokens", r.prompt_tokens}, {"thinking_tokens", r.thinking_tokens}, {"answer_tokens", r.answer_tokens},
              {"context_needed", r.context_needed}, {"fits", r.fits}, {"max_context", count_or_null(r.max_context)},
              {"kv_cache_bytes_at_end", r.kv_cache_bytes_at_end}, {"total_bytes_at_end", r.total_bytes_at_end},
              {"prefill_s", r.prefill_s ? json(std::round(*r.prefill_s * 1000.0) / 1000.0) : json(nullptr)},
              {"thinking_s", std::round(r.thinking_s * 1000.0) / 1000.0}, {"answer_s", std::round(r.answer_s * 1000.0) / 1000.0},
              {"time_to_first_answer_token_s", std::round(r.time_to_first_answer_token_s * 1000.0) / 1000.0},
              {"time_total_s", std::round(r.time_total_s * 1000.0) / 1000.0},
              {"decode_tokens_per_s_start", num_or_null(r.decode_tokens_per_s_start)},
              {"decode_tokens_per_s_end", num_or_null(r.decode_tokens_per_s_end)}, {"assumptions", r.assumptions}};
  out["estimate"] = estimate_json_value(est_req);
  return out;
}

json commands_json(const json& req) {
  const PlanRequest pr = device_required(req, "launch commands");
  const EstimateRequest er = solver_request(req);
  const Estimate e = estimate(er);
  const Plan p = plan(e, pr);
  json cmds = json::object(), notes = json::object();
  for (const LaunchCommand& c : launch_commands(e, p)) {
    cmds[c.runtime] = c.command;
    notes[c.runtime] = c.notes;
  }
  return {{"launch_commands", cmds}, {"launch_command_notes", notes}};
}

json solve_value(const json& req) {
  if (!req.is_object()) throw InputError("invalid_request", "request", "the request must be a JSON object");
  const std::string what = read_text(req, "solve", "");
  if (what == "fit") return json::parse(fit_text(req));
  if (what == "reasoning") {
    json out = reasoning_json(req);
    if (present(req, "launch_commands") && req["launch_commands"] == true) {
      json r = req;
      r["context"] = out["context_needed"];
      out.update(commands_json(r));
    }
    return out;
  }
  json base_req = req;
  base_req.erase("solve");
  base_req.erase("launch_commands");
  json out;
  if (what.empty()) {
    out = estimate_json_value(base_req);
  } else if (what == "max_context") {
    const PlanRequest pr = device_required(req, "the largest context");
    const EstimateRequest er = solver_request(req);
    require_a_layer(er, pr);
    const MaxContext mc = max_context(er, pr);
    out = estimate_json_value(base_req);
    if (out.contains("error")) return out;
    out["max_context"] = count_or_null(mc.tokens);
    out["max_context_binding"] = mc.binding;
    out["max_context_detail"] = max_context_json(mc);
  } else if (what == "best_quant") {
    const PlanRequest pr = device_required(req, "the best format");
    EstimateRequest er = solver_request(req);
    require_a_layer(er, pr);
    const BestFormat bf = best_format(er, pr);
    if (bf.best) base_req["quant"] = bf.best->quant;
    out = estimate_json_value(base_req);
    if (out.contains("error")) return out;
    out["best_quant"] = bf.best ? json(bf.best->quant) : json(nullptr);
    json alts = json::array(), all = json::array();
    for (const FormatFit& f : bf.alternatives) alts.push_back(format_json(f));
    for (const FormatFit& f : bf.formats) all.push_back(format_json(f));
    out["alternatives"] = alts;
    out["formats"] = all;
    out["quality_order"] = bf.order;
  } else if (what == "sweep") {
    const PlanRequest pr = device_required(req, "the offload sweep");
    const EstimateRequest er = solver_request(req);
    require_a_layer(er, pr);
    const Sweep s = offload_sweep(er, pr);
    out = estimate_json_value(base_req);
    if (out.contains("error")) return out;
    out["sweep"] = sweep_json(s);
  } else {
    throw InputError("invalid_solve", "solve", "solve must be max_context, best_quant, sweep, fit or reasoning (got " + quote_input(what) + ")");
  }
  if (out.contains("error")) return out;
  if (present(req, "launch_commands") && req["launch_commands"] == true) {
    json r = base_req;
    if (what == "best_quant" && out.contains("quant")) r["quant"] = out["quant"]["name"];
    out.update(commands_json(r));
  }
  return out;
}

}  // namespace

bool wants_solver(const json& req) {
  return req.is_object() && (present(req, "solve") || (present(req, "launch_commands") && req["launch_commands"] == true));
}

json solve_json_value(const json& request) {
  try {
    return solve_value(request);
  } catch (const InputError& e) {
    return error_json(e.code(), e.field(), e.what());
  } catch (const std::exception& e) {
    return error_json("internal", "", std::string("internal error: ") + e.what());
  }
}

std::string solve_json(const std::string& request_text) {
  const json req = json::parse(request_text, nullptr, false);
  if (req.is_discarded()) return error_json("invalid_request", "request", "the request is not valid JSON").dump();
  if (req.is_object() && req.contains("solve") && req["solve"] == "fit") {
    // The fit table's text as it is written (solve_value parses it back for a JSON value).
    return answer_or_error([&] { return fit_text(req); });
  }
  return solve_json_value(req).dump();
}

}  // namespace vramcalc
