#include "solve.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "catalog_other.hpp"
#include "errors.hpp"
#include "hardware.hpp"
#include "text.hpp"

namespace vramcalc {

namespace {

std::string gb(uint64_t bytes) {
  const uint64_t hundredths = uint64_t(std::llround(double(bytes) / 1e7));
  const uint64_t frac = hundredths % 100;
  return std::to_string(hundredths / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac) + " GB";
}

// One evaluation of the forward estimate and placement at a context.
struct Probe {
  bool fits = false;
  int64_t slack = 0;  // least headroom over the devices (and RAM when its size is known)
  std::string short_label;  // the part short by the most ("GPU 0", "RAM"), when it does not fit
  bool ram_short = false;
  bool ram_unchecked = false;  // RAM holds part of the model but its size was not given
  Plan plan;
  uint64_t total_bytes = 0;    // the estimate's total
  uint64_t kv_bytes = 0;
  uint64_t weights_bytes = 0;
};

// Evaluates one model, format and runtime on one machine at many contexts, reusing the weights by
// layer (they do not depend on the context).
// The weights by layer of one model, format and runtime, shared by the evaluators of its placements.
struct WeightsCache {
  std::optional<LayerMap> map;
};

class Evaluator {
 public:
  // Whether the probes' plans carry their sentences (a table of verdicts reads none).
  enum class Texts { keep, omit };
  Evaluator(EstimateRequest base, PlanRequest place, std::shared_ptr<WeightsCache> weights = nullptr, Texts texts = Texts::keep)
      : base_(std::move(base)), place_(std::move(place)), weights_(weights ? std::move(weights) : std::make_shared<WeightsCache>()),
        texts_(texts == Texts::keep) {}

  Probe at(uint64_t context, bool with_speed = false) {
    // The request at this context, without copying it (a catalogue entry given as a config holds
    // its whole architecture); e points into base_, and is used only in this scope.
    struct AtContext {
      EstimateRequest& r;
      uint64_t kept;
      ~AtContext() { r.context = kept; }
    } at_context{base_, base_.context};
    base_.context = context;
    const Estimate e = estimate(base_);
    if (!weights_->map) weights_->map = layer_map(e);
    ++probes_;
    PlanOptions o;
    o.weights = &*weights_->map;
    o.minimum = false;
    o.speed = with_speed;
    o.texts = texts_;
    Probe pr;
    pr.total_bytes = e.total_bytes;
    pr.kv_bytes = e.kv.bytes;
    pr.weights_bytes = e.weights.bytes;
    try {
      pr.plan = plan(e, place_, o);
    } catch (const InputError& err) {
      // Offloaded weights beyond the RAM given: a verdict here, not bad input.
      if (err.code() != "ram_too_small") throw;
      PlanRequest unchecked = place_;
      const uint64_t ram = *place_.ram_bytes;
      unchecked.ram_bytes.reset();
      pr.plan = plan(e, unchecked, o);
      pr.plan.ram_bytes = ram;
      pr.plan.host.budget_bytes = ram;
      pr.plan.host.fits = false;
      pr.plan.fits = false;
      pr.plan.headroom_bytes = std::min<int64_t>(pr.plan.headroom_bytes, int64_t(ram) - int64_t(pr.plan.ram_needed_bytes));
    }
    classify(pr);
    return pr;
  }

  uint64_t probes() const { return probes_; }
  const EstimateRequest& base() const { return base_; }
  const PlanRequest& place() const { return place_; }

 private:
  void classify(Probe& pr) const {
    const Plan& p = pr.plan;
    pr.fits = p.fits;
    int64_t slack = INT64_MAX, worst = 0;
    for (const DevicePart& d : p.devices) {
      const int64_t h = int64_t(d.budget_bytes) - int64_t(d.total_bytes);
      slack = std::min(slack, h);
      if (h < worst) { worst = h; pr.short_label = d.label; }
    }
    const bool cpu = p.device.is_cpu();
    if (p.host.budget_bytes) {
      const int64_t h = int64_t(p.host.budget_bytes) - int64_t(p.host.total_bytes);
      slack = std::min(slack, h);
      if (h < 0 && (h < worst || pr.short_label.empty())) { worst = h; pr.short_label = "RAM"; pr.ram_short = true; }
    } else if (cpu || p.offload != Offload::none) {
      pr.ram_unchecked = true;
    }
    if (cpu && !p.host.budget_bytes) pr.short_label = "RAM";
    pr.slack = slack == INT64_MAX ? 0 : slack;
  }

  EstimateRequest base_;
  PlanRequest place_;
  std::shared_ptr<WeightsCache> weights_;
  bool texts_ = true;
  uint64_t probes_ = 0;
};

uint64_t model_cap(const ModelArch& a) { return a.n_ctx_max ? std::min<uint64_t>(a.n_ctx_max, kMaxContext) : kMaxContext; }

void set_binding(MaxContext& mc, const Probe& over, uint64_t at_context) {
  if (over.ram_short || over.short_label == "RAM") {
    mc.binding = "ram";
    mc.binding_label = "RAM";
  } else {
    mc.binding = "device";
    mc.binding_label = over.short_label.empty() ? "GPU 0" : over.short_label;
  }
  const int64_t short_by = -std::min<int64_t>(over.slack, 0);
  mc.explanation = mc.binding_label + " fills first: at " + std::to_string(at_context) + " tokens per sequence it would be short by " +
                   gb(uint64_t(short_by));
}

// Probes the caller already has: one that fits (a bracket from below) and one that does not (from
// above), each with its context.
struct Known {
  const Probe* fit = nullptr;
  uint64_t fit_context = 0;
  const Probe* over = nullptr;
  uint64_t over_context = 0;
};

// The search itself, over cache steps k (context_of(k) tokens per sequence).
MaxContext search_max_context(Evaluator& ev, const Known& known = {}) {
  MaxContext mc;
  const EstimateRequest& base = ev.base();
  mc.sequences = base.sequences;
  // The model, runtime and the cache step come from one estimate (at one token).
  EstimateRequest r1 = base;
  r1.context = 1;
  const Estimate e1 = estimate(r1);
  const Granule g = granule_of(e1);
  mc.granule_cells = g.cells;
  const uint64_t cap = model_cap(*e1.arch);
  mc.model_max = cap;
  auto ctx_of = [&](uint64_t k) { return std::min(g.context_of(k), cap); };

  const bool over_known = known.over && known.over_context <= cap && !known.over->fits;
  Probe top = over_known ? *known.over : ev.at(cap);
  if (top.fits) {
    mc.tokens = cap;
    mc.binding = top.ram_unchecked ? "unchecked_ram" : "model_max";
    mc.binding_label = "the model's trained maximum";
    mc.explanation = "the whole trained context of " + std::to_string(cap) + " tokens fits" +
                     (top.ram_unchecked ? " on the devices (RAM not checked: give its size)" : "");
    mc.total_bytes_at_max = top.total_bytes;
    mc.plan_at_max = std::move(top.plan);
    mc.probes = ev.probes();
    return mc;
  }
  uint64_t k0 = g.steps_of(1);
  // Every context of the step that holds a context that does not fit has the same cells.
  const uint64_t kcap = over_known ? g.steps_of(known.over_context) : g.steps_of(cap);
  const Probe* known_fit = known.fit;
  const uint64_t known_context = known.fit_context;
  Probe low;
  bool have_low = false;
  if (known_fit && known_context < cap && g.steps_of(known_context) < kcap) {
    // The largest context of known_context's cache step has the same cells, so it fits too.
    const uint64_t k = std::max(k0, g.steps_of(known_context));
    if (ctx_of(k) == known_context) {
      low = *known_fit;
      have_low = true;
    } else {
      low = ev.at(ctx_of(k));
      have_low = low.fits;
    }
    if (have_low) k0 = k;
  }
  if (!have_low) low = ev.at(ctx_of(k0));
  if (!low.fits) {
    set_binding(mc, low, ctx_of(k0));
    mc.explanation = mc.binding_label + " cannot hold the model even at " + std::to_string(ctx_of(k0)) +
                     " tokens per sequence (short by " + gb(uint64_t(-std::min<int64_t>(low.slack, 0))) + ")";
    mc.total_bytes_at_max = low.total_bytes;
    mc.plan_at_max = std::move(low.plan);
    mc.probes = ev.probes();
    return mc;
  }
  // Bracket [lo fits, hi does not]. Memory grows about linearly with the cache, so a secant
  // through the bracket's headrooms lands next to the answer; a bisection step follows any
  // secant step that leaves more than half of the bracket, so the search never takes more
  // than about twice the steps of plain bisection.
  uint64_t lo = k0, hi = kcap;
  int64_t s_lo = low.slack, s_hi = top.slack;
  Probe best = std::move(low), over = std::move(top);
  bool bisect_next = false;
  while (hi - lo > 1) {
    uint64_t k;
    if (!bisect_next && s_lo >= 0 && s_hi < 0) {
      const double f = double(s_lo) / (double(s_lo) - double(s_hi));
      k = lo + uint64_t(std::floor(f * double(hi - lo)));
      k = std::clamp<uint64_t>(k, lo + 1, hi - 1);
    } else {
      k = lo + (hi - lo) / 2;
    }
    const uint64_t width = hi - lo;
    Probe pr = ev.at(ctx_of(k));
    if (pr.fits) {
      lo = k;
      s_lo = pr.slack;
      best = std::move(pr);
    } else {
      hi = k;
      s_hi = pr.slack;
      over = std::move(pr);
    }
    bisect_next = !bisect_next && (hi - lo) * 2 > width;
  }
  uint64_t c = ctx_of(lo);
  // One token more must not fit: it starts the next cache step. Should the runtime's padding
  // rule differ from granule_of's, fall back to a bisection over tokens.
  Probe next = ev.at(c + 1);
  if (next.fits) {
    uint64_t a = c + 1, b = ctx_of(hi);
    best = std::move(next);
    while (b - a > 1) {
      const uint64_t m = a + (b - a) / 2;
      Probe pr = ev.at(m);
      if (pr.fits) { a = m; best = std::move(pr); }
      else { b = m; over = std::move(pr); }
    }
    c = a;
    set_binding(mc, over, b);
  } else {
    set_binding(mc, next, c + 1);
  }
  mc.tokens = c;
  mc.total_bytes_at_max = best.total_bytes;
  mc.plan_at_max = std::move(best.plan);
  mc.probes = ev.probes();
  return mc;
}

}  // namespace

EstimateRequest request_on(const Machine& m, const std::string& model, const std::string& quant, uint64_t context,
                           uint64_t sequences) {
  EstimateRequest r;
  r.model = model;
  r.quant = quant;
  r.context = context;
  r.sequences = sequences;
  r.runtime = m.runtime;
  r.kv_type = m.kv_type;
  r.flash_attn = m.flash_attn;
  return r;
}

uint64_t Granule::context_of(uint64_t k) const {
  if (per_sequence_blocks) return k * cells;
  return k * cells / sequences;
}

uint64_t Granule::steps_of(uint64_t context) const {
  if (per_sequence_blocks) return (context + cells - 1) / cells;
  return (context * sequences + cells - 1) / cells;
}

Granule granule_of(const Estimate& e) {
  const RuntimeProfile& rt = *e.runtime;
  Granule g;
  g.sequences = e.sequences;
  if (rt.is_llama_cpp()) {
    // src/llama-context.cpp: n_ctx padded to 256 (data/runtimes.json ctx_pad / ctx_pad_no_fa).
    g.cells = std::max<uint64_t>(1, e.flash_attn ? rt.ctx_pad : rt.ctx_pad_no_fa);
  } else {
    g.cells = std::max<uint64_t>(1, rt.block_size);
    g.per_sequence_blocks = true;
  }
  return g;
}

MaxContext max_context(const EstimateRequest& base, const PlanRequest& place) {
  Evaluator ev(base, place);
  return search_max_context(ev);
}

bool runtime_runs(const RuntimeProfile& rt, const QuantFormat& q) { return rt.is_llama_cpp() == q.gguf; }

namespace {

double bits_per_weight(const Estimate& e) {
  return e.params.total ? double(e.weights.bytes) * 8.0 / double(e.params.total) : 0.0;
}

}  // namespace

BestFormat best_format(const EstimateRequest& base, const PlanRequest& place) {
  const Catalog& cat = catalog();
  const RuntimeProfile* rt = cat.find_runtime(base.runtime);
  if (!rt) estimate(base);  // throws the runtime error naming the field
  BestFormat out;
  PlanOptions o;
  o.minimum = false;
  o.speed = false;
  for (const QuantFormat& q : cat.quants) {
    if (!runtime_runs(*rt, q)) continue;
    EstimateRequest r = base;
    r.quant = q.name;
    const Estimate e = estimate(r);
    Evaluator ev(r, place, nullptr, Evaluator::Texts::omit);
    const Probe pr = ev.at(base.context);
    FormatFit f;
    f.quant = q.name;
    f.bits_per_weight = bits_per_weight(e);
    f.weights_bytes = e.weights.bytes;
    f.total_bytes = e.total_bytes;
    f.fits = pr.fits;
    f.headroom_bytes = pr.slack;
    out.formats.push_back(f);
  }
  std::stable_sort(out.formats.begin(), out.formats.end(),
                   [](const FormatFit& a, const FormatFit& b) { return a.bits_per_weight > b.bits_per_weight; });
  for (const FormatFit& f : out.formats) {
    if (!f.fits) continue;
    if (!out.best) out.best = f;
    else if (out.alternatives.size() < 3) out.alternatives.push_back(f);
  }
  return out;
}

Sweep offload_sweep(const EstimateRequest& base, const PlanRequest& place) {
  const Estimate e = estimate(base);
  const ModelArch& a = *e.arch;
  if (!e.runtime->is_llama_cpp()) {
    throw InputError("unsupported_offload", "offload", "the offload sweep is llama.cpp's -ngl / --n-cpu-moe; " + e.runtime->name +
                                                           " keeps the model in GPU memory");
  }
  if (place.offload == Offload::none) {
    throw InputError("invalid_offload", "offload", "the sweep needs --offload experts (MoE models) or --offload layers");
  }
  if (place.offload == Offload::experts && !a.is_moe()) {
    throw InputError("unsupported_offload", "offload", a.name + " is a dense model: it has no experts to keep in RAM (use --offload layers)");
  }
  Sweep s;
  std::vector<PlanRequest> points;
  if (place.offload == Offload::experts) {
    s.axis = "n_cpu_moe";
    for (uint64_t n = 0; n <= a.n_layer; ++n) {
      if (n > 0 && !a.is_moe_layer(uint32_t(n - 1))) continue;  // no experts in that block: same point
      PlanRequest p = place;
      p.cpu_moe_layers = n;
      points.push_back(p);
    }
  } else {
    s.axis = "n_gpu_layers";
    for (uint64_t ngl = uint64_t(a.n_layer) + 1;; --ngl) {
      PlanRequest p = place;
      p.gpu_layers = ngl;
      p.cpu_moe_layers.reset();
      points.push_back(p);
      if (ngl == 0) break;
    }
  }
  for (const PlanRequest& p : points) {
    Evaluator ev(base, p, nullptr, Evaluator::Texts::omit);
    const Probe pr = ev.at(base.context, true);
    SweepPoint pt;
    pt.gpu_layers = pr.plan.gpu_layers;
    pt.cpu_moe_layers = pr.plan.cpu_moe_layers;
    for (const DevicePart& d : pr.plan.devices) {
      pt.device_bytes.push_back(d.total_bytes);
      pt.vram_bytes += d.total_bytes;
    }
    pt.ram_bytes = pr.plan.ram_needed_bytes;
    pt.decode_tokens_per_s = pr.plan.speed.decode_expected_per_sequence;
    pt.fits = pr.fits;
    s.points.push_back(pt);
  }
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (!s.points[i].fits) continue;
    if (!s.fastest || s.points[i].decode_tokens_per_s > s.points[*s.fastest].decode_tokens_per_s) s.fastest = i;
  }
  return s;
}

const char* verdict_text(const std::string& v) {
  if (v == "gpu") return "on the GPUs";
  if (v == "gpu_experts_ram") return "GPUs + experts in RAM";
  if (v == "gpu_layers_ram") return "GPUs + layers in RAM";
  if (v == "ram_only") return "RAM only";
  return "does not fit";
}

namespace {

struct Mode {
  const char* verdict;
  PlanRequest place;
};

// The ways a machine can hold a model, fastest first: all on the devices; MoE experts in RAM;
// layers in RAM; everything in RAM on the host CPU.
std::vector<Mode> modes_for(const Machine& m, const ModelArch& a, const RuntimeProfile& rt) {
  std::vector<Mode> out;
  PlanRequest base = m.place;
  base.gpu_layers.reset();
  base.cpu_moe_layers.reset();
  base.offload = Offload::none;
  const HardwareCatalog& hw = hardware();
  const Device* d = base.custom ? nullptr : hw.find(base.gpu);
  const bool cpu = d && d->is_cpu();
  if (cpu) {
    out.push_back({"ram_only", base});
    return out;
  }
  if (rt.experts_in_ram) {
    // KTransformers places by module: a MoE model's routed experts always in RAM, a dense model
    // whole on the GPU; no layers to offload.
    PlanRequest p = base;
    if (a.is_moe()) p.offload = Offload::experts;
    out.push_back({a.is_moe() ? "gpu_experts_ram" : "gpu", p});
    return out;
  }
  out.push_back({"gpu", base});
  if (!rt.is_llama_cpp()) return out;
  if (a.is_moe()) {
    PlanRequest p = base;
    p.offload = Offload::experts;
    out.push_back({"gpu_experts_ram", p});
  }
  PlanRequest l = base;
  l.offload = Offload::layers;
  out.push_back({"gpu_layers_ram", l});
  if (base.ram_bytes) {
    PlanRequest r = base;
    r.custom.reset();
    r.gpu = base.host.empty() ? hw.speed.default_host : base.host;
    r.count = 1;
    r.host.clear();
    out.push_back({"ram_only", r});
  }
  return out;
}

}  // namespace

FitTable fit_table(const FitRequest& req) {
  const Catalog& cat = catalog();
  if (!(req.min_tokens_per_s > 0) || !std::isfinite(req.min_tokens_per_s)) {
    throw InputError("invalid_min_speed", "min_speed", "min_speed must be more than 0 tokens/s");
  }
  const RuntimeProfile* rt = cat.find_runtime(req.machine.runtime);
  if (!rt) estimate(request_on(req.machine, cat.models.front().arch.id, "Q4_K_M", req.context, req.sequences));
  FitTable t;
  // The R1 family's catalogue, then (when asked) the other open models, given to the estimate as
  // their configs.
  struct TableModel {
    const ModelArch* arch;
    uint64_t params_total;
    const char* group;
  };
  std::vector<TableModel> models;
  if (req.models.empty()) {
    for (const CatalogModel& m : cat.models) models.push_back({&m.arch, m.params.total, "r1"});
    if (req.other_models) {
      for (const OtherModel& o : other_models()) models.push_back({&o.arch, o.params.total, "other"});
    }
  } else {
    for (const std::string& id : req.models) {
      if (const CatalogModel* m = cat.find_model(id)) {
        models.push_back({&m->arch, m->params.total, "r1"});
      } else if (const OtherModel* o = find_other_model(id)) {
        models.push_back({&o->arch, o->params.total, "other"});
      } else {
        throw InputError("unknown_model", "model", "unknown model " + quote_input(id));
      }
    }
  }
  uint64_t probes = 0;
  for (const TableModel& tm : models) {
    const ModelArch& a = *tm.arch;
    const std::vector<Mode> modes = modes_for(req.machine, a, *rt);
    std::vector<std::vector<std::pair<std::string, uint64_t>>> listed;  // the tensor types of the formats listed so far
    for (const QuantFormat& q : cat.quants) {
      if (!runtime_runs(*rt, q)) continue;
      EstimateRequest er = request_on(req.machine, a.id, q.name, req.context, req.sequences);
      resolve_other_model(er);
      const Estimate e0 = estimate(er);
      // A preset that writes the same tensors as one already listed is the same file (MXFP4_MOE
      // on a dense model is Q8_0 throughout): listed once.
      std::vector<std::pair<std::string, uint64_t>> types;
      for (const WeightPart& p : e0.weights.parts()) types.emplace_back(p.label, p.tensors);
      if (q.gguf && std::find(listed.begin(), listed.end(), types) != listed.end()) continue;
      if (q.gguf) listed.push_back(std::move(types));
      FitRow row;
      row.model = a.id;
      row.model_name = a.name;
      row.quant = q.name;
      row.runtime = rt->id;
      row.params_total = tm.params_total;
      row.group = tm.group;
      row.verdict = "no_fit";
      std::optional<size_t> fit_mode;
      std::optional<Probe> fit_probe;
      std::vector<Evaluator> evs;
      const auto weights = std::make_shared<WeightsCache>();
      for (const Mode& md : modes) evs.emplace_back(er, md.place, weights, Evaluator::Texts::omit);
      const bool beyond = req.context > model_cap(a);
      row.bits_per_weight = bits_per_weight(e0);
      std::vector<Probe> over;  // the modes that do not fit at the required context
      bool no_room = false;
      for (size_t i = 0; i < modes.size() && !beyond && !no_room; ++i) {
        Probe pr = evs[i].at(req.context, true);
        if (i == 0) {
          // Weights must sit in the devices or in RAM: when they alone exceed both, no way of
          // holding the model fits at any context.
          uint64_t room = 0;
          for (const DevicePart& d : pr.plan.devices) room += d.budget_bytes;
          if (req.machine.place.ram_bytes && !pr.fits) {
            room += *req.machine.place.ram_bytes;
            no_room = pr.weights_bytes > room;
            if (no_room) row.reason = "its weights alone (" + gb(pr.weights_bytes) + ") exceed the machine's memory (" + gb(room) + ")";
          }
        }
        if (!pr.fits) {
          over.push_back(std::move(pr));
          continue;
        }
        fit_mode = i;
        row.verdict = modes[i].verdict;
        row.offload = pr.plan.offload;
        row.gpu_layers = pr.plan.gpu_layers;
        row.cpu_moe_layers = pr.plan.cpu_moe_layers;
        row.decode_tokens_per_s = pr.plan.speed.decode_expected_per_sequence;
        for (const DevicePart& d : pr.plan.devices) row.vram_bytes += d.total_bytes;
        row.ram_bytes = pr.plan.ram_needed_bytes;
        fit_probe = std::move(pr);
        break;
      }
      if (fit_mode) {
        Known k;
        k.fit = &*fit_probe;
        k.fit_context = req.context;
        const MaxContext mc = search_max_context(evs[*fit_mode], k);
        row.max_context = mc.tokens;
        row.max_context_binding = mc.binding;
      } else {
        // The largest context any way of holding it reaches.
        for (size_t i = 0; i < evs.size() && !no_room; ++i) {
          Known k;
          if (i < over.size()) {
            k.over = &over[i];
            k.over_context = req.context;
          }
          const MaxContext mc = search_max_context(evs[i], k);
          if (mc.tokens && (!row.max_context || *mc.tokens > *row.max_context)) {
            row.max_context = mc.tokens;
            row.max_context_binding = mc.binding;
          }
        }
        if (!no_room) row.reason = beyond ? "the required context is beyond the model's trained maximum of " + std::to_string(model_cap(a)) + " tokens"
                     : row.max_context ? "fits only up to " + std::to_string(*row.max_context) + " tokens per sequence"
                                       : "does not fit this machine at any context";
      }
      row.verdict_text = verdict_text(row.verdict);
      for (const Evaluator& ev : evs) probes += ev.probes();
      t.rows.push_back(std::move(row));
    }
  }
  t.probes = probes;
  // Ranking: rows that fit before rows that do not; then larger models (total parameters), then
  // more bits per weight.
  // (The order is found over indices: moving rows, with their texts, costs more than comparing.)
  std::vector<size_t> order(t.rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&rows = t.rows](size_t i, size_t j) {
    const FitRow& x = rows[i];
    const FitRow& y = rows[j];
    const bool fx = x.verdict != "no_fit", fy = y.verdict != "no_fit";
    if (fx != fy) return fx;
    if (x.params_total != y.params_total) return x.params_total > y.params_total;
    return x.bits_per_weight > y.bits_per_weight;
  });
  std::vector<FitRow> ranked;
  ranked.reserve(order.size());
  for (size_t i : order) ranked.push_back(std::move(t.rows[i]));
  t.rows = std::move(ranked);
  t.rules = {
      "quality order: a larger model (total parameters) first, then more bits per weight; a proxy for quality, not a benchmark",
      "the recommendation is the first row in that order that fits at the required context of " + std::to_string(req.context) +
          " tokens and reaches the minimum speed of " + std::to_string(int64_t(std::llround(req.min_tokens_per_s))) +
          " tokens/s (expected decode, one sequence)",
      "verdicts are tried fastest first: on the GPUs, GPUs + experts in RAM (MoE), GPUs + layers in RAM, RAM only",
      "a GGUF preset that writes the same tensor types as one listed before it is the same file and is listed once (MXFP4_MOE on a dense model is Q8_0)",
      "defaults: required context 16384 tokens, minimum speed 10 tokens/s"};
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const FitRow& r = t.rows[i];
    if (r.verdict != "no_fit" && r.decode_tokens_per_s >= req.min_tokens_per_s) {
      t.recommendation = i;
      break;
    }
  }
  if (t.recommendation) {
    const FitRow& r = t.rows[*t.recommendation];
    t.recommendation_reason = r.model_name + " at " + r.quant + ": the largest model and the most bits per weight that fit " +
                              verdict_text(r.verdict) + " at " + std::to_string(req.context) + " tokens and reach " +
                              std::to_string(int64_t(std::llround(r.decode_tokens_per_s))) + " tokens/s (minimum " +
                              std::to_string(int64_t(std::llround(req.min_tokens_per_s))) + ")";
    // Recommendation first.
    FitRow rec = t.rows[*t.recommendation];
    t.rows.erase(t.rows.begin() + std::ptrdiff_t(*t.recommendation));
    t.rows.insert(t.rows.begin(), std::move(rec));
    t.recommendation = 0;
  } else {
    t.recommendation_reason = "nothing in the catalogue fits at " + std::to_string(req.context) + " tokens and reaches " +
                              std::to_string(int64_t(std::llround(req.min_tokens_per_s))) +
                              " tokens/s on this machine: lower the context or the minimum speed, or add devices or RAM";
  }
  return t;
}

uint64_t default_thinking_tokens(const ModelArch& a) {
  // DeepSeek-R1-0528 model card: on AIME 2025 the average use rose from 12K tokens per question
  // (R1) to 23K (R1-0528). The distills learnt R1's traces, so they take R1's figure.
  if (a.id.find("0528") != std::string::npos) return 23000;
  return 12000;
}

Reasoning reasoning_budget(const EstimateRequest& base, const PlanRequest& place, const ReasoningRequest& rq) {
  EstimateRequest r1 = base;
  r1.context = 1;
  const Estimate e1 = estimate(r1);
  const ModelArch& a = *e1.arch;
  Reasoning out;
  out.prompt_tokens = rq.prompt_tokens ? rq.prompt_tokens : kDefaultPromptTokens;
  out.thinking_tokens = rq.thinking_tokens ? rq.thinking_tokens : default_thinking_tokens(a);
  out.answer_tokens = rq.answer_tokens ? rq.answer_tokens : kDefaultAnswerTokens;
  const uint64_t cap = model_cap(a);
  if (out.thinking_tokens > cap) {
    throw InputError("invalid_thinking_tokens", "thinking_tokens",
                     "thinking_tokens of " + std::to_string(out.thinking_tokens) + " is beyond " + a.name + "'s context of " +
                         std::to_string(cap) + " tokens");
  }
  if (out.prompt_tokens > cap || out.answer_tokens > cap) {
    const bool p = out.prompt_tokens > cap;
    throw InputError(p ? "invalid_prompt_tokens" : "invalid_answer_tokens", p ? "prompt_tokens" : "answer_tokens",
                     std::string(p ? "prompt_tokens" : "answer_tokens") + " is beyond " + a.name + "'s context of " +
                         std::to_string(cap) + " tokens");
  }
  out.context_needed = out.prompt_tokens + out.thinking_tokens + out.answer_tokens;
  // The server is started with the context the trace needs; the placement is the one for it.
  Evaluator ev(base, place);
  const Probe end = ev.at(out.context_needed, true);
  out.fits = end.fits && out.context_needed <= cap;
  out.kv_cache_bytes_at_end = end.kv_bytes;
  out.total_bytes_at_end = end.total_bytes;
  const MaxContext mc = max_context(base, place);
  out.max_context = mc.tokens;

  // Decode speed falls as the cache grows: the step time at context c is read from the same
  // placement (its -ngl and --n-cpu-moe fixed) at c, and summed over the generated tokens with the
  // trapezoid rule over 32 segments (exact for a step time linear in c, as the bandwidth bound is).
  PlanRequest fixed = place;
  if (end.plan.offload == Offload::layers) fixed.gpu_layers = end.plan.gpu_layers;
  if (end.plan.offload == Offload::experts) fixed.cpu_moe_layers = end.plan.cpu_moe_layers;
  Evaluator at_c(base, fixed);
  auto step_s = [&](uint64_t c) {
    const Probe pr = at_c.at(std::max<uint64_t>(c, 1), true);
    const double tps = pr.plan.speed.decode_expected_per_sequence;
    return tps > 0 ? 1.0 / tps : 0.0;
  };
  // Seconds to generate the tokens from context c0 (exclusive) to c1 (inclusive).
  auto decode_s = [&](uint64_t c0, uint64_t c1) {
    if (c1 <= c0) return 0.0;
    const uint64_t n = c1 - c0;
    const uint64_t segs = std::min<uint64_t>(32, n);
    double sum = 0;
    double prev = step_s(c0 + 1);
    uint64_t at = c0 + 1;
    for (uint64_t i = 1; i <= segs; ++i) {
      const uint64_t next = c0 + 1 + (n - 1) * i / segs;
      const double cur = step_s(next);
      sum += (prev + cur) / 2.0 * double(next - at);
      prev = cur;
      at = next;
    }
    return sum + step_s(c0 + 1) / 2.0 + prev / 2.0;  // endpoints: n tokens, n - 1 intervals
  };
  const uint64_t p = out.prompt_tokens, t = out.thinking_tokens, an = out.answer_tokens;
  const Probe first = at_c.at(p, true);
  out.decode_tokens_per_s_start = first.plan.speed.decode_expected_per_sequence;
  out.decode_tokens_per_s_end = end.plan.speed.decode_expected_per_sequence;
  if (first.plan.speed.prefill > 0) out.prefill_s = double(p) / first.plan.speed.prefill;
  out.thinking_s = decode_s(p, p + t);
  out.answer_s = decode_s(p + t, p + t + an);
  const double pre = out.prefill_s.value_or(0.0);
  out.time_to_first_answer_token_s = pre + out.thinking_s + (an ? step_s(p + t + 1) : 0.0);
  out.time_total_s = pre + out.thinking_s + out.answer_s;

  const bool llama = e1.runtime->is_llama_cpp();
  out.assumptions = {
      llama ? "context needed = prompt + thinking + answer tokens: llama-server has not shifted the context since August 2025 "
              "(ggml-org/llama.cpp PR #15416: context shift off by default), and DeepSeek-R1's own architecture cannot shift its "
              "cache at all (llama.cpp and Ollama: \"DeepSeek2 does not support K-shift\"), so the whole trace must fit in the context"
            : "context needed = prompt + thinking + answer tokens: vLLM and SGLang end a sequence at the model length "
              "(--max-model-len / --context-length), so the whole trace must fit in it",
      "default thinking length: " + std::to_string(default_thinking_tokens(a)) +
          " tokens, the average per AIME 2025 question on the DeepSeek-R1-0528 model card (12K for R1, 23K for R1-0528); hard "
          "problems can take the DeepSeek API's cap of 32K reasoning tokens (api-docs.deepseek.com, deepseek-reasoner)",
      "default prompt " + std::to_string(kDefaultPromptTokens) + " tokens and answer " + std::to_string(kDefaultAnswerTokens) +
          " tokens (the DeepSeek API's default answer length for deepseek-reasoner was 4K)",
      "time = prefill of the prompt, then decode with the step time read at each context as the cache grows (trapezoid rule "
      "over 32 segments), expected speeds at sustained bandwidth",
  };
  if (!out.prefill_s) {
    out.assumptions.push_back("prefill is not estimated with weights in RAM: the times are decode only");
  }
  if (out.context_needed > cap) out.assumptions.push_back("the trace is longer than the model's trained context of " + std::to_string(cap));
  return out;
}

}  // namespace vramcalc
