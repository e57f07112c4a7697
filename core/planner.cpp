#include "planner.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "calibration.hpp"
#include "memo.hpp"
#include "kv_cache.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

const char* offload_name(Offload o) {
  switch (o) {
    case Offload::none: return "none";
    case Offload::layers: return "layers";
    case Offload::experts: return "experts";
  }
  return "none";
}


namespace {


uint64_t share(uint64_t x, uint64_t n, uint64_t r) { return x / n + (r < x % n ? 1 : 0); }

std::string gb(uint64_t bytes) {
  const uint64_t hundredths = uint64_t(std::llround(double(bytes) / 1e7));
  const uint64_t frac = hundredths % 100;
  return std::to_string(hundredths / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac) + " GB";
}


const std::string& device_id(const Device& d) { return d.id; }

bool is_paged(const Estimate& e) { return !e.runtime->is_llama_cpp(); }

// What one device (or RAM) holds, as the layer placement computes it.
struct Slot : SpeedSlot {
  DevicePart part;
};

void hold_layers(Slot& s, int64_t il) {
  DevicePart& p = s.part;
  s.layers += 1;
  if (p.layer_first < 0 || il < p.layer_first) p.layer_first = il;
  if (il > p.layer_last) p.layer_last = il;
  p.layers += 1;
}

struct Placement {
  std::vector<Slot> gpus;
  Slot host;
  Layout layout;
  uint64_t gpu_layers = 0;
  uint64_t cpu_moe_layers = 0;
};

void finish(Slot& s) {
  DevicePart& p = s.part;
  p.total_bytes = p.weights_bytes + p.kv_bytes + p.compute_bytes + p.cuda_graph_bytes + p.reserved_bytes +
                  p.output_buffer_bytes;
  p.fits = p.budget_bytes == 0 || p.total_bytes <= p.budget_bytes;
}

// llama.cpp --split-mode layer (src/llama-model.cpp load_tensors): i_gpu_start =
// max(n_layer + 1 - n_gpu_layers, 0), act = min(n_gpu_layers, n_layer + 1); block il (and the
// output layer as il = n_layer) goes to the first device whose cumulative share of free memory
// exceeds (il - i_gpu_start) / act; blocks below i_gpu_start stay on the CPU. The input layer
// (token_embd) always stays on the CPU: "there is very little benefit to offloading the input layer".
class LlamaLayerDevices {
 public:
  LlamaLayerDevices(uint32_t n_layer, uint64_t n_dev, uint64_t ngl)
      : n_dev_(size_t(std::min<uint64_t>(n_dev, kMaxDevices))) {
    float sum = 0;
    for (size_t i = 0; i < n_dev_; ++i) { sum += 1.0f; splits_[i] = sum; }  // identical devices
    for (size_t i = 0; i < n_dev_; ++i) splits_[i] /= sum;
    const int64_t n_all = int64_t(n_layer);
    start_ = std::max<int64_t>(n_all + 1 - int64_t(ngl), 0);
    act_ = n_dev_ == 0 ? 0 : std::min<int64_t>(int64_t(ngl), n_all + 1);
  }
  // The device of block il (il = n_layer: the output layer); -1: the CPU.
  int operator()(int64_t il) const {
    if (il < start_ || il - start_ >= act_) return -1;
    if (n_dev_ == 1) return 0;  // the one share is 1: every block in range is the device's
    const float x = float(il - start_) / float(act_);
    const int64_t d = std::upper_bound(splits_.begin(), splits_.begin() + std::ptrdiff_t(n_dev_), x) - splits_.begin();
    return int(std::min<int64_t>(d, int64_t(n_dev_) - 1));
  }

 private:
  std::array<float, kMaxDevices> splits_{};  // cumulative shares of free memory
  size_t n_dev_;
  int64_t start_ = 0, act_ = 0;
};

Placement place_llama(const Estimate& e, const LayerMap& m, const Device& d, uint64_t count, uint64_t ngl,
                      uint64_t n_cpu_moe, bool experts_mode) {
  const ModelArch& a = *e.arch;
  const RuntimeProfile& rt = *e.runtime;
  Placement pl;
  pl.gpu_layers = ngl;
  pl.cpu_moe_layers = n_cpu_moe;
  pl.host.part.label = "RAM";
  const bool cpu_only = d.is_cpu();
  const uint64_t n_gpu = cpu_only ? 0 : count;
  pl.gpus.reserve(size_t(std::min<uint64_t>(n_gpu, kMaxDevices)));
  for (uint64_t i = 0; i < n_gpu; ++i) {
    Slot s;
    s.part.label = "GPU " + std::to_string(i);
    s.part.budget_bytes = d.usable_bytes;
    pl.gpus.push_back(s);
  }
  const LlamaLayerDevices dev(a.n_layer, n_gpu, n_gpu ? ngl : 0);
  bool host_computes = false;
  bool host_computes_layers = false;
  for (uint32_t il = 0; il < a.n_layer; ++il) {
    const LayerWeights& l = m.layers[il];
    const int di = dev(il);
    Slot& s = di < 0 ? pl.host : pl.gpus[size_t(di)];
    hold_layers(s, il);
    const uint64_t fixed = l.attention + l.dense_ffn + l.shared + l.router;
    s.part.weights_bytes += fixed;
    s.read_fixed += double(fixed);
    s.part.kv_bytes += m.kv[il];
    s.kv_row += double(m.kv_row[il]);
    // --n-cpu-moe N keeps the experts of blocks 0..N-1 in RAM (common/arg.cpp: one
    // "blk.i.ffn_(up|down|gate)_exps" = CPU override per block); -ot exps=CPU is N = n_layer.
    Slot& r = (experts_mode && il < n_cpu_moe) ? pl.host : s;
    if (l.routed) {
      r.part.weights_bytes += l.routed;
      r.read_routed += double(l.routed);
      r.part.expert_layers += 1;
      if (&r != &s) r.layers += 1;  // the CPU computes these experts: one more hand-over per layer
    }
    if (&s == &pl.host) host_computes_layers = true;
    if (&r == &pl.host && l.routed) host_computes = true;
  }
  const int d_out = dev(a.n_layer);
  Slot& out = d_out < 0 ? pl.host : pl.gpus[size_t(d_out)];
  out.part.output_layer = true;
  out.layers += 1;
  out.part.weights_bytes += m.output;
  out.read_fixed += double(m.output);
  if (m.tied) {
    // No output.weight: llama.cpp loads token_embd a second time as the output head
    // (create_tensor(LLM_TENSOR_TOKEN_EMBD, ..., TENSOR_DUPLICATED)) on the output layer's device.
    // On the CPU both tensors map the same file bytes: no second copy.
    if (&out != &pl.host) {
      out.part.weights_bytes += m.token_embd;
      out.part.weights_duplicated_bytes += m.token_embd;
    }
    out.read_fixed += double(m.token_embd);
  }
  pl.host.part.input_layer = true;
  pl.host.part.weights_bytes += m.token_embd;  // one row per token is read: not counted as a read
  for (Slot& s : pl.gpus) {
    // Each backend gets its own compute buffer from the scheduler and its own CUDA context.
    if (s.part.layers || s.part.output_layer) s.part.compute_bytes = e.compute_buffer_bytes;
    s.part.reserved_bytes = e.runtime_reserved_bytes;
  }
  // Host: logits (output buffer) and a CPU compute buffer where the CPU runs part of the graph.
  pl.host.part.output_buffer_bytes = e.output_buffer_bytes;
  if (cpu_only || host_computes_layers || d_out < 0) {
    pl.host.part.compute_bytes = e.compute_buffer_bytes;
  } else if (host_computes) {
    pl.host.part.compute_bytes = e.llama_buffers.ffn_peak;
  }
  (void)rt;
  pl.layout.kind = cpu_only ? "cpu" : (n_gpu == 1 ? "single" : "layer_split");
  pl.layout.count = count;
  return pl;
}

// vLLM's pipeline stages (vllm/distributed/utils.py get_pp_indices): n_layer / pp blocks each,
// the remainder one each to the stages before the last.
std::vector<uint64_t> pp_partition(uint32_t n_layer, uint64_t pp) {
  std::vector<uint64_t> parts(static_cast<size_t>(pp), n_layer / pp);
  const size_t rem = size_t(n_layer % pp);
  for (size_t i = 2; i < rem + 2; ++i) parts[parts.size() - i] += 1;
  return parts;
}

uint64_t kv_split_ways(const ModelArch& a, uint64_t tp) {
  // MLA caches one latent "head" that every rank needs (vLLM get_num_kv_heads returns 1 for MLA);
  // GQA splits the KV heads, replicating them once tp exceeds their count.
  if (a.attention == AttentionKind::MLA) return 1;
  const uint64_t n_kv = a.n_head_kv ? a.n_head_kv : a.n_head;
  return std::min(tp, n_kv);
}

Placement place_paged(const Estimate& e, const LayerMap& m, const Device& d, uint64_t tp, uint64_t pp) {
  const ModelArch& a = *e.arch;
  const RuntimeProfile& rt = *e.runtime;
  Placement pl;
  pl.host.part.label = "RAM";
  const std::vector<uint64_t> parts = pp_partition(a.n_layer, pp);
  const uint64_t kv_ways = kv_split_ways(a, tp);
  const uint64_t budget = uint64_t(std::floor(double(d.usable_bytes) * rt.memory_fraction));
  uint32_t il0 = 0;
  for (uint64_t stage = 0; stage < pp; ++stage) {
    for (uint64_t r = 0; r < tp; ++r) {
      Slot s;
      s.part.label = "GPU " + std::to_string(stage * tp + r) + (pp > 1 ? " (stage " + std::to_string(stage) + ")" : "");
      s.part.budget_bytes = budget;
      s.part.kv_replicated = a.attention == AttentionKind::MLA && tp > 1;
      for (uint32_t il = il0; il < il0 + parts[size_t(stage)]; ++il) {
        const LayerWeights& l = m.layers[il];
        hold_layers(s, il);
        const uint64_t split = l.total() - l.replicated;
        const uint64_t mine = share(split, tp, r) + l.replicated;
        s.part.weights_bytes += mine;
        s.part.weights_replicated_bytes += l.replicated;
        const double routed_share = l.routed ? double(l.routed) / double(tp) : 0.0;
        s.read_routed += routed_share;
        s.read_fixed += double(mine) - routed_share;
        if (l.routed) s.part.expert_layers += 1;
        s.part.kv_bytes += share(m.kv[il], kv_ways, r % kv_ways);
        s.kv_row += double(m.kv_row[il]) / double(kv_ways);
      }
      if (stage == 0) {  // VocabParallelEmbedding: rows split over the TP ranks
        s.part.input_layer = true;
        s.part.weights_bytes += share(m.token_embd, tp, r);
      }
      if (stage == pp - 1) {  // ParallelLMHead split over the ranks, final norm replicated
        s.part.output_layer = true;
        const uint64_t head = share(m.output - m.output_replicated, tp, r) + m.output_replicated;
        s.part.weights_bytes += head;
        s.part.weights_replicated_bytes += m.output_replicated;
        s.read_fixed += double(head);
        if (m.tied) {
          // The head is the embedding: read in full each token; a last stage other than the
          // first holds its own copy.
          const uint64_t emb = share(m.token_embd, tp, r);
          s.read_fixed += double(emb);
          if (pp > 1) {
            s.part.weights_bytes += emb;
            s.part.weights_duplicated_bytes += emb;
          }
        }
      }
      // Each rank profiles its own activation peak, captures its own CUDA graphs and has its own
      // non-torch memory (CUDA context, NCCL buffers).
      s.part.compute_bytes = e.compute_buffer_bytes;
      s.part.cuda_graph_bytes = e.cuda_graph_bytes;
      s.part.reserved_bytes = e.runtime_reserved_bytes;
      pl.gpus.push_back(s);
    }
    il0 += uint32_t(parts[size_t(stage)]);
  }
  pl.layout.kind = tp * pp == 1 ? "single" : "tensor_parallel";
  pl.layout.count = tp * pp;
  pl.layout.tp = tp;
  pl.layout.pp = pp;
  return pl;
}

bool all_fit(Placement& pl) {
  bool ok = true;
  for (Slot& s : pl.gpus) {
    finish(s);
    ok = ok && s.part.fits;
  }
  finish(pl.host);
  return ok;
}

// llama.cpp's automatic -ngl and --n-cpu-moe as a count k from 0 to hi: the smallest k whose
// placement fits, else hi, where k = 0 (the caller's first placement) does not fit and every
// larger k takes weights off the devices and adds none (so a bisection finds what a scan
// would). The guess, read off the blocks' bytes, is tried first and kept when placements
// confirm it: k fits and k - 1 does not (k = 1: k - 1 is the caller's), or k = hi does not fit
// (then nothing does).
template <class PlaceAt>
Placement first_fitting(uint64_t hi, uint64_t guess, PlaceAt place_at) {
  if (guess >= 1 && guess <= hi) {
    Placement t = place_at(guess);
    if (all_fit(t)) {
      if (guess == 1) return t;
      Placement below = place_at(guess - 1);
      if (!all_fit(below)) return t;
    } else if (guess == hi) {
      return t;
    }
  }
  uint64_t lo = 0;  // the answer is in (lo, hi]
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    Placement t = place_at(mid);
    if (all_fit(t)) hi = mid;
    else lo = mid;
  }
  Placement pl = place_at(hi);
  all_fit(pl);
  return pl;
}

// Tensor-parallel sizes vLLM and SGLang accept for a model: the attention heads must divide
// (ModelConfig.verify_with_parallel_config), the KV heads must divide or be divided by it
// (QKVParallelLinear replicates KV heads when tp > n_head_kv), the FFN and expert widths must
// split evenly (MergedColumnParallelLinear / FusedMoE divide()). Powers of two up to the 8 GPUs
// of one node are what deployments use.
bool tp_valid(const ModelArch& a, uint64_t tp, std::string* why) {
  if (a.n_head % tp != 0) {
    if (why) *why = std::to_string(a.n_head) + " attention heads do not divide by " + std::to_string(tp);
    return false;
  }
  if (a.attention != AttentionKind::MLA && a.n_head_kv) {
    const uint64_t kv = a.n_head_kv;
    if (tp >= kv ? tp % kv != 0 : kv % tp != 0) {
      if (why) *why = std::to_string(kv) + " KV heads and TP " + std::to_string(tp) + " do not divide";
      return false;
    }
  }
  if ((a.n_ff && a.n_ff % tp != 0) || (a.n_ff_exp && a.n_ff_exp % tp != 0)) {
    if (why) *why = "FFN width does not divide by " + std::to_string(tp);
    return false;
  }
  return true;
}

constexpr uint64_t kTpSizes[] = {1, 2, 4, 8};

// A layout for a given count under a paged engine: TP as large as the rules allow (at most 8),
// the rest as pipeline stages.
bool paged_layout_for(const ModelArch& a, uint64_t count, uint64_t* tp, uint64_t* pp) {
  for (auto it = std::rbegin(kTpSizes); it != std::rend(kTpSizes); ++it) {
    if (count % *it == 0 && tp_valid(a, *it, nullptr) && count / *it <= a.n_layer) {
      *tp = *it;
      *pp = count / *it;
      return true;
    }
  }
  return false;
}

std::string layout_text(const Layout& l, const Estimate& e) {
  if (l.kind == "cpu") return "CPU only (" + std::to_string(l.count) + (l.count == 1 ? " socket)" : " sockets)");
  if (!is_paged(e)) {
    return l.count == 1 ? "1 device" : std::to_string(l.count) + " devices, llama.cpp --split-mode layer";
  }
  std::string s = "TP" + std::to_string(l.tp);
  if (l.pp > 1) s += " x PP" + std::to_string(l.pp);
  return s + " = " + std::to_string(l.count) + (l.count == 1 ? " GPU" : " GPUs");
}

bool device_runs(const Estimate& e, const Device& d) { return !(is_paged(e) && (d.is_cpu() || d.is_apple())); }

uint64_t n_moe_layers(const ModelArch& a) {
  uint64_t n = 0;
  for (uint32_t il = 0; il < a.n_layer; ++il) n += a.is_moe_layer(il);
  return n;
}

}  // namespace

std::optional<Layout> minimum_layout(const Estimate& e, const LayerMap& m, const Device& d, std::string* reason) {
  const ModelArch& a = *e.arch;
  std::string why;
  if (d.is_cpu()) {
    if (reason) *reason = "a CPU runs the model from system RAM: the RAM size, not a device count, decides";
    return std::nullopt;
  }
  if (!device_runs(e, d)) {
    if (reason) *reason = e.runtime->name + " does not run on " + d.name;
    return std::nullopt;
  }
  if (is_paged(e)) {
    // TP alone first (1, 2, 4, 8 where the heads divide); pipeline stages of the largest valid TP
    // only when TP alone cannot hold the model.
    uint64_t tp_max = 0;
    std::string rejected;
    for (uint64_t tp : kTpSizes) {
      std::string w;
      if (!tp_valid(a, tp, &w)) {
        rejected += (rejected.empty() ? "" : "; ") + w;
        continue;
      }
      tp_max = tp;
      Placement pl = place_paged(e, m, d, tp, 1);
      if (all_fit(pl)) {
        pl.layout.description = layout_text(pl.layout, e);
        if (reason) {
          *reason = "TP" + std::to_string(tp) + " is the smallest tensor-parallel size whose shard fits in " +
                    fixed1(e.runtime->memory_fraction * 100) + "% of " + gb(d.usable_bytes) + " per GPU" +
                    (rejected.empty() ? "" : " (" + rejected + ")");
        }
        return pl.layout;
      }
    }
    if (tp_max == 0) {
      if (reason) *reason = "no tensor-parallel size up to 8 divides the model's heads: " + rejected;
      return std::nullopt;
    }
    for (uint64_t pp = 2; pp * tp_max <= kMaxDevices && pp <= a.n_layer; ++pp) {
      Placement pl = place_paged(e, m, d, tp_max, pp);
      if (all_fit(pl)) {
        pl.layout.description = layout_text(pl.layout, e);
        if (reason) {
          *reason = "TP" + std::to_string(tp_max) + " (the largest tensor-parallel size, one 8-GPU node) does not fit, so " +
                    std::to_string(pp) + " pipeline stages split the " + std::to_string(a.n_layer) + " layers" +
                    (a.attention == AttentionKind::MLA ? "; the MLA latent cache is not split by TP, each rank holds its stage's whole cache" : "");
        }
        return pl.layout;
      }
    }
    if (reason) *reason = "does not fit on " + std::to_string(kMaxDevices) + " GPUs";
    return std::nullopt;
  }
  for (uint64_t n = 1; n <= kMaxDevices; ++n) {
    Placement pl = place_llama(e, m, d, n, uint64_t(a.n_layer) + 1, 0, false);
    if (all_fit(pl)) {
      pl.layout.description = layout_text(pl.layout, e);
      if (reason) {
        *reason = n == 1 ? "the whole model fits on one device"
                         : "llama.cpp splits the " + std::to_string(a.n_layer) + " layers evenly over " + std::to_string(n) +
                               " devices, each with its own compute buffer and CUDA context; fewer devices run out of memory";
      }
      return pl.layout;
    }
  }
  if (reason) *reason = "does not fit on " + std::to_string(kMaxDevices) + " devices without offloading to RAM";
  return std::nullopt;
}

namespace {
Plan plan_with(const Estimate& e, const PlanRequest& req, const SpeedModel* model, const PlanOptions& opts);
}  // namespace

Plan plan(const Estimate& e, const PlanRequest& req) { return plan_with(e, req, &speed_model(), PlanOptions{}); }
Plan plan(const Estimate& e, const PlanRequest& req, const PlanOptions& opts) {
  return plan_with(e, req, &speed_model(), opts);
}
Plan plan_bounds(const Estimate& e, const PlanRequest& req) { return plan_with(e, req, nullptr, PlanOptions{}); }

namespace {

Plan plan_with(const Estimate& e, const PlanRequest& req_in, const SpeedModel* model, const PlanOptions& opts) {
  const ModelArch& a = *e.arch;
  PlanRequest req = req_in;
  const RuntimeProfile& rt = *e.runtime;
  if (rt.experts_in_ram) {
    // KTransformers: a CUDA GPU runs attention, shared experts and dense layers; every routed
    // expert stays in RAM and runs on the CPU.
    const Device* dv = req.custom ? &*req.custom : hardware().find(req.gpu);
    if (dv && (dv->is_cpu() || dv->is_apple())) {
      throw InputError("unsupported_gpu", "gpu", rt.name + " needs an NVIDIA GPU next to the CPU: pick a GPU");
    }
    if (req.offload == Offload::layers || req.gpu_layers) {
      throw InputError("unsupported_offload", req.gpu_layers ? "gpu_layers" : "offload",
                       rt.name + " places by module, not by layer: it keeps the routed experts in RAM (use --offload experts or none)");
    }
    if (a.is_moe()) {
      req.offload = Offload::experts;
      req.cpu_moe_layers = a.n_layer;
    }
  }
  const HardwareCatalog& hw = hardware();
  Plan p;
  if (req.custom) {
    p.device = *req.custom;
  } else {
    const Device* d = last_lookup(req.gpu, [&](const std::string& id) { return hw.find(id); }, device_id);
    if (!d) throw InputError("unknown_gpu", "gpu", "unknown device " + quote_input(req.gpu));
    p.device = *d;
  }
  const Device& d = p.device;
  if (req.count < 1 || req.count > kMaxDevices) {
    throw InputError("invalid_gpus", "gpus", "gpus must be between 1 and " + std::to_string(kMaxDevices) + " (got " +
                                                 std::to_string(req.count) + ")");
  }
  if (!device_runs(e, d)) {
    throw InputError("unsupported_gpu", "gpu", e.runtime->name + " runs on NVIDIA and AMD GPUs, not on " + d.name +
                                                   ": pick a GPU or the llama.cpp runtime");
  }
  const Device* host = last_lookup(req.host.empty() ? hw.speed.default_host : req.host, [&](const std::string& id) { return hw.find(id); }, device_id);
  if (!host || !host->is_cpu()) {
    throw InputError("unknown_host", "host", "unknown host memory " + quote_input(req.host) + " (a CPU row of --list-gpus, e.g. cpu-ddr5-5600-2ch)");
  }
  // On unified memory (Apple silicon, DGX Spark, Strix Halo) the CPU and GPU read the same memory.
  double host_bw = d.is_unified() && req.host.empty() ? d.bandwidth_gb_per_s : host->bandwidth_gb_per_s;
  Device host_dev = d.is_unified() && req.host.empty() ? d : *host;
  if (req.host_sockets < 1 || req.host_sockets > 8) {
    throw InputError("invalid_host_sockets", "host_sockets", "host_sockets must be between 1 and 8 (got " + std::to_string(req.host_sockets) + ")");
  }
  if (!d.is_unified() || !req.host.empty()) host_bw *= double(req.host_sockets);
  if (d.is_cpu()) { host_bw = d.bandwidth_gb_per_s * double(req.count); host_dev = d; }
  p.count = req.count;
  p.offload = req.offload;
  p.ram_bytes = req.ram_bytes;
  if (req.ram_bytes && *req.ram_bytes == 0) throw InputError("invalid_ram_gb", "ram_gb", "ram_gb must be more than 0");

  // A solver's probes reuse one map's storage (plan_with does not call itself: nothing else
  // holds it meanwhile).
  thread_local LayerMap probe_map;
  LayerMap own_map;
  LayerMap& map = opts.weights ? probe_map : own_map;
  if (opts.weights) {
    probe_map = *opts.weights;
    fill_layer_kv(probe_map, e);
  } else {
    own_map = layer_map(e);
  }
  const LayerMap& m = map;
  const uint64_t n_all = uint64_t(a.n_layer) + 1;
  Placement pl;
  if (is_paged(e)) {
    if (req.offload != Offload::none) {
      throw InputError("unsupported_offload", "offload",
                       "offload to RAM is modelled for llama.cpp and Ollama; " + e.runtime->name + " keeps the model in GPU memory");
    }
    if (req.gpu_layers || req.cpu_moe_layers) {
      throw InputError("unsupported_offload", req.gpu_layers ? "gpu_layers" : "cpu_moe_layers",
                       "gpu_layers and cpu_moe_layers are llama.cpp settings; " + e.runtime->name + " keeps the model in GPU memory");
    }
    uint64_t tp = 1, pp = 1;
    if (!paged_layout_for(a, req.count, &tp, &pp)) {
      throw InputError("invalid_gpus", "gpus",
                       std::to_string(req.count) + " GPUs cannot be laid out as tensor x pipeline parallel for " + a.name +
                           " (tensor-parallel sizes 1, 2, 4 or 8 that divide its " + std::to_string(a.n_head) + " heads)");
    }
    pl = place_paged(e, m, d, tp, pp);
    all_fit(pl);
  } else {
    if (req.gpu_layers && *req.gpu_layers > n_all) {
      throw InputError("invalid_gpu_layers", "gpu_layers", "gpu_layers must be between 0 and " + std::to_string(n_all) +
                                                               " (the " + std::to_string(a.n_layer) + " blocks and the output layer)");
    }
    if (req.cpu_moe_layers && *req.cpu_moe_layers > a.n_layer) {
      throw InputError("invalid_cpu_moe_layers", "cpu_moe_layers",
                       "cpu_moe_layers must be between 0 and " + std::to_string(a.n_layer));
    }
    if (req.offload == Offload::experts && !a.is_moe()) {
      throw InputError("unsupported_offload", "offload", a.name + " is a dense model: it has no experts to keep in RAM (use --offload layers)");
    }
    if (req.gpu_layers && req.offload == Offload::none && *req.gpu_layers < n_all) {
      throw InputError("invalid_gpu_layers", "gpu_layers", "gpu_layers below " + std::to_string(n_all) + " offloads layers: add --offload layers");
    }
    if (req.cpu_moe_layers && req.offload != Offload::experts) {
      throw InputError("invalid_cpu_moe_layers", "cpu_moe_layers", "cpu_moe_layers needs --offload experts");
    }
    if (d.is_cpu() && req.offload != Offload::none) {
      throw InputError("unsupported_offload", "offload", "on a CPU everything is already in RAM: use --offload none");
    }
    const bool experts = req.offload == Offload::experts;
    if (req.offload == Offload::layers) {
      if (req.gpu_layers) {
        pl = place_llama(e, m, d, req.count, *req.gpu_layers, 0, false);
        all_fit(pl);
      } else {
        // As many layers as fit (llama.cpp offloads the output layer first, then blocks from the last).
        if (req.count == 1) {
          // One device: lowering -ngl removes blocks from it and never adds any, so its use falls
          // with ngl: k = n_all - ngl blocks off the device, and -ngl 0 is the scan's last resort.
          pl = place_llama(e, m, d, 1, n_all, 0, false);
          if (!all_fit(pl)) {
            // -ngl k holds the output layer and blocks n_layer + 1 - k and up: the blocks' bytes
            // (weights and KV cache), taken off from the lowest, say where it starts to fit.
            const DevicePart& g = pl.gpus[0].part;
            const uint64_t excess = g.total_bytes - g.budget_bytes;
            uint64_t freed = 0, off = 0;
            for (; off < a.n_layer && freed < excess; ++off) freed += m.layers[off].total() + m.kv[off];
            pl = first_fitting(n_all, freed >= excess ? off : n_all,
                               [&](uint64_t k) { return place_llama(e, m, d, 1, n_all - k, 0, false); });
          }
        } else {
          for (uint64_t ngl = n_all + 1; ngl-- > 0;) {
            pl = place_llama(e, m, d, req.count, ngl, 0, false);
            if (all_fit(pl)) break;
          }
        }
      }
    } else if (experts) {
      const uint64_t ngl = req.gpu_layers.value_or(n_all);
      if (req.cpu_moe_layers) {
        pl = place_llama(e, m, d, req.count, ngl, *req.cpu_moe_layers, true);
        all_fit(pl);
      } else {
        // The fewest blocks whose experts go to RAM (llama.cpp --n-cpu-moe N) for everything else to fit.
        // Each block moved to RAM takes its experts off its device and adds nothing to any
        // device, so the devices' use falls with N: bisection finds the same N as a scan.
        pl = place_llama(e, m, d, req.count, ngl, 0, true);
        if (!all_fit(pl)) {
          // Each device over its budget must free its excess by the experts of its own blocks,
          // from block 0 up; N is the most blocks any device needs.
          const LlamaLayerDevices dev(a.n_layer, req.count, ngl);
          uint64_t guess = 0;
          for (size_t gi = 0; gi < pl.gpus.size() && guess < a.n_layer; ++gi) {
            const DevicePart& g = pl.gpus[gi].part;
            if (g.fits) continue;
            const uint64_t excess = g.total_bytes - g.budget_bytes;
            uint64_t freed = 0, n = 0;
            for (; n < a.n_layer && freed < excess; ++n) {
              if (dev(int64_t(n)) == int(gi)) freed += m.layers[n].routed;
            }
            guess = freed >= excess ? std::max(guess, n) : a.n_layer;
          }
          pl = first_fitting(a.n_layer, guess, [&](uint64_t k) { return place_llama(e, m, d, req.count, ngl, k, true); });
        }
      }
    } else {
      pl = place_llama(e, m, d, req.count, d.is_cpu() ? 0 : n_all, 0, false);
      all_fit(pl);
    }
    if (d.is_cpu()) {
      pl.layout.kind = "cpu";
      pl.host.part.budget_bytes = req.ram_bytes.value_or(0);
      finish(pl.host);
    }
  }
  if (opts.texts) pl.layout.description = layout_text(pl.layout, e);
  p.layout = pl.layout;
  p.gpu_layers = pl.gpu_layers;
  p.cpu_moe_layers = pl.cpu_moe_layers;

  if (rt.numa_copy_per_socket && req.host_sockets > 1 && !d.is_cpu()) {
    // KTransformers with USE_NUMA=1 keeps a copy of the CPU-side experts in each socket's memory.
    uint64_t routed = 0;
    for (uint32_t il = 0; il < a.n_layer && il < pl.cpu_moe_layers; ++il) routed += m.layers[il].routed;
    const uint64_t extra = routed * (req.host_sockets - 1);
    pl.host.part.weights_bytes += extra;
    pl.host.part.weights_duplicated_bytes += extra;
    p.notes.push_back(rt.name + " copies the " + gb(routed) + " of routed experts to each of the " +
                      std::to_string(req.host_sockets) + " sockets' memory (" + gb(extra) + " more RAM)");
  }
  // RAM: what stays on the host.
  p.ram_needed_bytes = pl.host.part.weights_bytes + pl.host.part.kv_bytes + pl.host.part.compute_bytes +
                       pl.host.part.output_buffer_bytes;
  // Too little RAM for what stays on the host is a verdict (the plan does not fit), like too
  // little GPU memory, not an input error.
  if (req.ram_bytes) {
    pl.host.part.budget_bytes = *req.ram_bytes;
    finish(pl.host);
  }
  p.fits = true;
  p.headroom_bytes = INT64_MAX;
  for (const Slot& s : pl.gpus) {
    p.fits = p.fits && s.part.fits;
    p.headroom_bytes = std::min(p.headroom_bytes, int64_t(s.part.budget_bytes) - int64_t(s.part.total_bytes));
  }
  const int64_t gpu_headroom = p.headroom_bytes;
  if (d.is_cpu() || req.ram_bytes) {
    if (pl.host.part.budget_bytes) {
      p.fits = p.fits && pl.host.part.fits;
      const int64_t h = int64_t(pl.host.part.budget_bytes) - int64_t(pl.host.part.total_bytes);
      if (d.is_cpu() || h < 0) p.headroom_bytes = std::min(p.headroom_bytes, h);
    } else {
      p.fits = false;  // a CPU plan without a RAM size cannot be checked
      p.notes.push_back("give ram_gb to check the fit in system RAM");
    }
  }
  if (p.headroom_bytes == INT64_MAX) p.headroom_bytes = 0;
  for (const Slot& s : pl.gpus) p.devices.push_back(s.part);
  p.host = pl.host.part;

  if (opts.texts) {
    // What is split and what is replicated.
    if (d.is_cpu()) {
      p.split = {"nothing: one process runs the whole model from RAM, its threads spread over the cores"};
    } else if (is_paged(e)) {
      p.split.push_back("weight matrices (attention projections, FFN, each expert) in " + std::to_string(pl.layout.tp) +
                        " tensor-parallel shards; embedding and output head by vocabulary rows");
      if (pl.layout.pp > 1) p.split.push_back("layers over " + std::to_string(pl.layout.pp) + " pipeline stages (with their KV cache)");
      if (a.attention != AttentionKind::MLA) p.split.push_back("KV cache by KV head over " + std::to_string(kv_split_ways(a, pl.layout.tp)) + " ranks");
      p.replicated = {"norms, MoE router and MLA down-projections (replicated linear layers)",
                      "activation peak, CUDA graphs and non-torch memory (CUDA context, NCCL) on each GPU"};
      if (a.attention == AttentionKind::MLA && pl.layout.tp > 1) {
        p.replicated.push_back("the MLA latent KV cache: one latent per token that every tensor-parallel rank reads, so each holds it whole");
      }
      p.notes.push_back("vLLM/SGLang take " + fixed1(e.runtime->memory_fraction * 100) +
                        "% of each GPU's memory (memory fraction); the budget per GPU is that share");
    } else {
      p.split = {"blocks (their weights and KV cache) by layer, llama.cpp --split-mode layer, in proportion to free memory"};
      p.replicated = {"compute buffer and CUDA context on each GPU"};
      p.notes.push_back("the input embedding (" + gb(m.token_embd) + ") stays in RAM: llama.cpp never offloads the input layer");
      if (req.offload == Offload::layers || (pl.gpu_layers < n_all && !d.is_cpu())) {
        p.notes.push_back("-ngl " + std::to_string(pl.gpu_layers) + ": " +
                          (pl.gpu_layers == 0 ? std::string("nothing") : "the output layer and the last " +
                                                                            std::to_string(pl.gpu_layers ? pl.gpu_layers - 1 : 0) + " blocks") +
                          " on the GPU(s), the rest in RAM");
      }
      if (req.offload == Offload::experts) {
        const uint64_t moe = n_moe_layers(a);
        uint64_t cpu_moe = 0;
        for (uint32_t il = 0; il < a.n_layer && il < pl.cpu_moe_layers; ++il) cpu_moe += a.is_moe_layer(il);
        p.notes.push_back("--n-cpu-moe " + std::to_string(pl.cpu_moe_layers) + ": routed experts of " + std::to_string(cpu_moe) + " of " +
                          std::to_string(moe) + " MoE layers in RAM (-ot exps=CPU moves them all); attention, shared experts, dense layers, output and the KV cache on the GPU(s)");
      }
    }
    if (!pl.gpus.empty() && gpu_headroom < 0) {
      p.notes.push_back("short by " + gb(uint64_t(-gpu_headroom)) + " on the fullest device");
    }
    if (req.ram_bytes && !pl.host.part.fits) {
      p.notes.push_back("does not fit in system RAM: needs " + gb(pl.host.part.total_bytes) + ", short by " +
                        gb(pl.host.part.total_bytes - *req.ram_bytes) + " of the RAM given");
    }
  }
  std::string reason;
  if (opts.minimum) p.minimum = minimum_layout(e, m, d, &reason);
  p.minimum_reason = reason;
  if (opts.speed) {
    SpeedInputs in;
    for (const Slot& s : pl.gpus) in.gpus.push_back(s);
    in.host = pl.host;
    in.tp = pl.layout.tp;
    in.paged = is_paged(e);
    in.texts = opts.texts;
    p.speed = speed_of(e, in, d, host_dev, host_bw, d.is_cpu() ? req.count : req.host_sockets, model);
  }
  return p;
}

}  // namespace

Suggestion suggest_gpu(const Estimate& e, const std::string& datacenter_id) {
  const HardwareCatalog& hw = hardware();
  const LayerMap m = layer_map(e);
  Suggestion s;
  std::vector<const Device*> order;
  for (const Device& d : hw.devices) {
    if (!d.is_cpu()) order.push_back(&d);
  }
  std::stable_sort(order.begin(), order.end(), [](const Device* x, const Device* y) { return x->memory_bytes < y->memory_bytes; });
  const uint64_t n_all = uint64_t(e.arch->n_layer) + 1;
  for (const Device* d : order) {
    if (!device_runs(e, *d)) continue;
    // Desktop and server cards for "single"; laptops and unified-memory PCs are not suggested.
    if (d->device_class == "laptop" || d->device_class == "unified") continue;
    if (d->is_apple() ? s.apple : s.single) continue;
    Placement pl = is_paged(e) ? place_paged(e, m, *d, 1, 1) : place_llama(e, m, *d, 1, n_all, 0, false);
    if (!all_fit(pl)) continue;
    (d->is_apple() ? s.apple : s.single) = d;
  }
  s.multi_device = hw.find(datacenter_id);
  if (!s.multi_device || s.multi_device->is_cpu()) {
    throw InputError("unknown_gpu", "suggest_gpu", "unknown datacenter device " + quote_input(datacenter_id) + " for the suggested device");
  }
  s.multi = minimum_layout(e, m, *s.multi_device, nullptr);
  return s;
}

}  // namespace vramcalc
