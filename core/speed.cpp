#include "speed.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "calibration.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

// Share of a layer's routed experts that S tokens decoded together read: each token picks
// n_expert_used of n_expert; with routing taken as uniform and independent, an expert is read
// unless all S tokens miss it.
double routed_fraction(const ModelArch& a, uint64_t tokens) {
  if (!a.is_moe() || a.n_expert == 0) return 1.0;
  const double p = double(a.n_expert_used) / double(a.n_expert);
  if (tokens <= 1) return p;
  return 1.0 - std::pow(1.0 - p, double(tokens));
}

Speed speed_of(const Estimate& e, const SpeedInputs& pl, const Device& d, const Device& host, double host_bw,
               uint64_t count, const SpeedModel* model) {
  const ModelArch& a = *e.arch;
  const HardwareCatalog& hw = hardware();
  Speed sp;
  const uint64_t S = e.sequences;
  const double frac1 = routed_fraction(a, 1);
  const double fracS = routed_fraction(a, S);
  const double ctx = double(e.context);
  const double gpu_eff = hw.speed.gpu_bandwidth_efficiency;
  const double cpu_eff = hw.speed.cpu_bandwidth_efficiency;
  const bool paged = pl.paged;

  auto t_of = [&](const SpeedSlot& s, double bw_gb, double frac, uint64_t seqs) {
    const double bytes = s.read_fixed + s.read_routed * frac + s.kv_row * ctx * double(seqs);
    return bw_gb > 0 ? bytes / (bw_gb * 1e9) : 0.0;
  };
  double tS = 0, tSe = 0;
  double w1 = 0, wS = 0, kv1 = 0;
  SpeedTerms& tm = sp.terms;
  tm.family = e.runtime->family;
  const std::string& v = d.vendor;
  tm.gpu_kind = d.is_cpu() ? "" : (v == "amd" || v == "apple" || v == "intel") ? v : "nvidia";
  tm.gpu_family = d.family;
  double active_devices = 0;
  // The KV part of a slot's read time (the rest is weights).
  auto kv_of = [&](const SpeedSlot& s, double bw_gb) { return bw_gb > 0 ? s.kv_row * ctx * double(S) / (bw_gb * 1e9) : 0.0; };
  if (paged) {
    // Ranks of a stage work in parallel; stages one after another.
    const uint64_t tp = pl.tp;
    for (size_t i = 0; i < pl.gpus.size(); i += tp) {
      double mS = 0;
      size_t slow = i;
      for (size_t r = i; r < i + tp; ++r) {
        const double x = t_of(pl.gpus[r], d.bandwidth_gb_per_s, fracS, S);
        if (x > mS) { mS = x; slow = r; }
      }
      tS += mS;
      tSe += mS / gpu_eff;
      const double kv = kv_of(pl.gpus[slow], d.bandwidth_gb_per_s);
      tm.t_gpu += mS - kv;
      tm.t_gpu_kv += kv;
      tm.gpu_layers += pl.gpus[i].layers;
      active_devices += 1;
    }
  } else {
    // llama.cpp's layer split: the devices work one after another on each token.
    for (const SpeedSlot& s : pl.gpus) {
      const double aS = t_of(s, d.bandwidth_gb_per_s, fracS, S);
      tS += aS;
      tSe += aS / gpu_eff;
      const double kv = kv_of(s, d.bandwidth_gb_per_s);
      tm.t_gpu += aS - kv;
      tm.t_gpu_kv += kv;
      tm.gpu_layers += s.layers;
      if (s.layers > 0) active_devices += 1;
    }
    const double hS = t_of(pl.host, host_bw, fracS, S);
    const double heff = host.is_unified() ? gpu_eff : cpu_eff;
    tS += hS;
    tSe += hS / heff;
    // Unified memory: what "RAM" holds is read by the same memory system as the GPU's.
    if (host.is_unified() && !d.is_cpu()) {
      const double kv = kv_of(pl.host, host_bw);
      tm.t_gpu += hS - kv;
      tm.t_gpu_kv += kv;
    } else {
      tm.t_ram += hS;
    }
    tm.cpu_layers += pl.host.layers;
  }
  tm.handoffs = std::max(active_devices - 1.0, 0.0);
  if (d.is_cpu()) {
    tm.placement = count >= 2 ? "cpu2" : "cpu";
  } else {
    tm.placement = tm.t_ram > 0 ? "hybrid" : "gpu";
  }
  for (const SpeedSlot& s : pl.gpus) {
    w1 += s.read_fixed + s.read_routed * frac1;
    wS += s.read_fixed + s.read_routed * fracS;
    kv1 += s.kv_row * ctx;
  }
  w1 += pl.host.read_fixed + pl.host.read_routed * frac1;
  wS += pl.host.read_fixed + pl.host.read_routed * fracS;
  kv1 += pl.host.kv_row * ctx;
  sp.weights_read_per_token = w1;
  sp.kv_read_per_token = kv1;
  sp.weights_read_per_step = wS;

  // Compute: 2 x active parameters per token (attention over the context not counted), on the
  // devices' dense FP16 (FP8 for FP8 weights) tensor throughput; unknown for RAM-resident parts.
  const bool fp8 = !e.quant->gguf && e.quant->linear_bits == 8 && e.quant->name.find("FP8") != std::string::npos;
  const double tflops = fp8 && d.fp8_tflops > 0 ? d.fp8_tflops : d.fp16_tflops;
  const bool host_work = pl.host.read_fixed + pl.host.read_routed > 0;
  const double flops_token = 2.0 * double(e.params.active);
  const double parallel = paged ? double(pl.tp) : 1.0;
  double tcS = 0;
  if (tflops > 0 && !host_work) tcS = flops_token * double(S) / (tflops * 1e12 * parallel);
  if (tcS > tS) sp.compute_bound = true;
  // Expected: the speed model fitted on published measurements (calibration.hpp); without one,
  // the bound at the streaming efficiencies of data/gpus.json.
  if (model) tSe = model->step_seconds(tm);
  const double stepS = std::max(tS, tcS), stepSe = std::max(tSe, tcS);
  sp.step_ms = stepS * 1e3;
  // Each of the S sequences decoded together gets one token per step.
  sp.decode_aggregate = stepS > 0 ? double(S) / stepS : 0;
  sp.decode_expected_aggregate = stepSe > 0 ? double(S) / stepSe : 0;
  sp.decode_per_sequence = sp.decode_aggregate / double(S);
  sp.decode_expected_per_sequence = sp.decode_expected_aggregate / double(S);

  // Prefill: bounded by compute, and by reading the weights a micro-batch touches once per
  // micro-batch (llama.cpp: n_ubatch tokens through the devices in turn; vLLM: a chunk of
  // max_num_batched_tokens over the TP ranks in parallel).
  if (tflops > 0 && !host_work) {
    const uint64_t U = paged ? std::max<uint32_t>(e.runtime->max_num_batched_tokens, 1) : std::max<uint64_t>(e.ubatch, 1);
    const double fracU = routed_fraction(a, U);
    double t_mem = 0;
    if (paged) {
      for (size_t i = 0; i < pl.gpus.size(); i += pl.tp) {
        const SpeedSlot& s = pl.gpus[i];
        t_mem += (s.read_fixed + s.read_routed * fracU) / (d.bandwidth_gb_per_s * 1e9);
      }
    } else {
      for (const SpeedSlot& s : pl.gpus) t_mem += (s.read_fixed + s.read_routed * fracU) / (d.bandwidth_gb_per_s * 1e9);
    }
    const double by_compute = tflops * 1e12 * parallel / flops_token;
    const double by_memory = t_mem > 0 ? double(U) / t_mem : by_compute;
    sp.prefill = std::min(by_compute, by_memory);
  }

  sp.group = speed_group(tm);
  if (model) {
    sp.model_version = model->version;
    auto it = model->spreads.find(sp.group);
    if (it != model->spreads.end()) {
      sp.similar_n = it->second.n;
      sp.similar_lo = it->second.lo;
      sp.similar_hi = it->second.hi;
    }
  }
  if (!pl.texts) return sp;
  sp.group_label = speed_group_label(tm);
  const std::string eff_gpu = fixed1(gpu_eff * 100) + "%", eff_cpu = fixed1(cpu_eff * 100) + "%";
  sp.assumptions.push_back("upper bounds: memory bandwidth at its peak (" + fixed1(d.bandwidth_gb_per_s) +
                           " GB/s per device), no kernel-launch, synchronisation or communication time; real runs are slower");
  sp.assumptions.push_back("a decode step reads each active weight once: attention, dense FFN, shared experts, router and output head, and for MoE layers " +
                           std::to_string(a.n_expert_used) + " of " + std::to_string(a.n_expert) +
                           " routed experts per token (with several sequences, the union of the experts they route to, routing taken as uniform)");
  sp.assumptions.push_back("KV cache read for the whole context of " + std::to_string(e.context) + " tokens per sequence");
  if (paged) {
    sp.assumptions.push_back("tensor-parallel ranks read their shards in parallel; pipeline stages run one after another (no overlap of micro-batches)");
  } else if (!d.is_cpu()) {
    sp.assumptions.push_back("llama.cpp's layer split: the devices work one after another on each token, so their times add up");
  }
  if (d.is_cpu()) {
    sp.assumptions.push_back(std::to_string(count) + " x " + fixed1(d.bandwidth_gb_per_s) +
                             " GB/s of RAM bandwidth read in parallel (NUMA placement not modelled)");
  } else if (host_work) {
    sp.assumptions.push_back("weights in RAM are read at " + fixed1(host_bw) + " GB/s (" + host.name +
                             "); prefill with RAM-resident weights is not estimated");
  }
  if (model) {
    sp.assumptions.push_back("expected figure: the bandwidth bound over efficiencies fitted by device kind, runtime family and placement, plus per-token costs per layer and per device hand-off (kernel launches, synchronisation), " +
                             model->version);
  } else {
    sp.assumptions.push_back("expected figures take " + eff_gpu + " of peak GPU bandwidth and " + eff_cpu +
                             " of peak RAM bandwidth (sustained streaming reads, data/gpus.json)");
  }
  if (tflops > 0 && !host_work) {
    sp.assumptions.push_back("prefill: 2 x " + std::to_string(e.params.active) + " active parameters per token at " +
                             fixed1(tflops) + " dense TFLOPS" + (paged ? " per rank" : " (one device at a time)") +
                             ", or the weights a micro-batch touches read once per micro-batch, whichever is slower");
  }
  return sp;
}

namespace {

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string similar_text(const Speed& s) {
  if (s.similar_n == 0) return "no similar setup (" + s.group_label + ") was measured: the expected figure is untested there";
  const auto pct = [](double r) { return std::to_string(int(std::lround(r * 100))); };
  if (s.similar_n == 1) {
    return "one similar setup (" + s.group_label + ") was measured, at " + pct(s.similar_lo) + "% of this; n = 1";
  }
  return "on similar setups (" + s.group_label + "), measured speeds were " + pct(s.similar_lo) + "-" + pct(s.similar_hi) +
         "% of this; n = " + std::to_string(s.similar_n);
}

}  // namespace

json to_json(const Speed& s) {
  auto num = [](double v) { return v > 0 && std::isfinite(v) ? json(round3(v)) : json(nullptr); };
  return {{"upper_bound", true},
          {"decode_tokens_per_s_per_sequence", num(s.decode_per_sequence)},
          {"decode_tokens_per_s_aggregate", num(s.decode_aggregate)},
          {"decode_expected_tokens_per_s_per_sequence", num(s.decode_expected_per_sequence)},
          {"decode_expected_tokens_per_s_aggregate", num(s.decode_expected_aggregate)},
          {"prefill_tokens_per_s", num(s.prefill)},
          {"step_ms", num(s.step_ms)},
          {"weights_read_per_token_bytes", uint64_t(std::llround(s.weights_read_per_token))},
          {"kv_read_per_token_bytes", uint64_t(std::llround(s.kv_read_per_token))},
          {"weights_read_per_step_bytes", uint64_t(std::llround(s.weights_read_per_step))},
          {"compute_bound", s.compute_bound},
          {"expected_model", s.model_version},
          {"similar_setups", {{"group", s.group},
                              {"label", s.group_label},
                              {"n", s.similar_n},
                              {"measured_over_expected_min", s.similar_n ? json(round3(s.similar_lo)) : json(nullptr)},
                              {"measured_over_expected_max", s.similar_n ? json(round3(s.similar_hi)) : json(nullptr)},
                              {"text", similar_text(s)}}},
          {"assumptions", s.assumptions}};
}

}  // namespace vramcalc
