// The solvers against brute force: every answer is checked with the plain estimate() + plan(),
// never with the solver's own shortcuts (shared weights, skipped speed, bisection).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "helpers.hpp"
#include "planner.hpp"
#include "solve.hpp"
#include "solve_api.hpp"

using nlohmann::json;
using vramcalc::EstimateRequest;
using vramcalc::Offload;
using vramcalc::PlanRequest;

namespace {

EstimateRequest req(const std::string& model, const std::string& quant, const std::string& runtime = "llama.cpp",
                    uint64_t sequences = 1, std::optional<bool> fa = std::nullopt, const std::string& kv = "") {
  EstimateRequest r;
  r.model = model;
  r.quant = quant;
  r.runtime = runtime;
  r.sequences = sequences;
  r.flash_attn = fa;
  r.kv_type = kv;
  return r;
}

PlanRequest machine(const std::string& gpu, uint64_t count, Offload off = Offload::none, uint64_t ram_gib = 0) {
  PlanRequest p;
  p.gpu = gpu;
  p.count = count;
  p.offload = off;
  if (ram_gib) p.ram_bytes = ram_gib << 30;
  return p;
}

// The plain forward question: does this context fit? Offloaded weights beyond the RAM are a
// "no" (the planner reports them as bad input).
bool fits_at(EstimateRequest r, const PlanRequest& p, uint64_t context) {
  r.context = context;
  const vramcalc::Estimate e = vramcalc::estimate(r);
  try {
    return vramcalc::plan(e, p).fits;
  } catch (const vramcalc::InputError& err) {
    if (err.code() == "ram_too_small") return false;
    throw;
  }
}

uint64_t cap_of(const std::string& model) { return vramcalc::catalog().find_model(model)->arch.n_ctx_max; }

struct Case {
  const char* model;
  const char* quant;
  const char* runtime;
  const char* gpu;
  uint64_t count;
  Offload offload;
  uint64_t ram_gib;
  uint64_t sequences;
  std::optional<bool> fa;
  const char* kv;
};

// The grid: small and large models, GGUF and GPU formats, one and several devices, each offload
// mode, several sequences, flash attention off (llama.cpp-2025 pads to 32 cells then), Apple and
// CPU rows, quantized KV.
std::vector<Case> grid() {
  std::vector<Case> g;
  const char* dense[] = {"deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-8b",
                         "deepseek-r1-distill-qwen-32b", "deepseek-r1-distill-llama-70b"};
  const char* gguf[] = {"Q2_K", "Q4_K_M", "Q8_0"};
  const char* gpus[] = {"rtx-3060-12gb", "rtx-4090", "a100-80gb-sxm"};
  for (const char* m : dense) {
    for (const char* q : gguf) {
      for (const char* d : gpus) {
        g.push_back({m, q, "llama.cpp", d, 1, Offload::none, 0, 1, std::nullopt, ""});
      }
      g.push_back({m, q, "llama.cpp", "rtx-4090", 2, Offload::none, 0, 3, std::nullopt, ""});
      g.push_back({m, q, "llama.cpp", "rtx-4090", 1, Offload::layers, 64, 1, std::nullopt, ""});
      g.push_back({m, q, "llama.cpp-2025", "rtx-3060-12gb", 1, Offload::none, 0, 2, false, ""});
      g.push_back({m, q, "ollama", "rtx-4090", 1, Offload::none, 0, 1, std::nullopt, ""});
      g.push_back({m, q, "llama.cpp", "m3-max-128gb", 1, Offload::none, 0, 1, std::nullopt, "q8_0"});
      g.push_back({m, q, "llama.cpp", "cpu-ddr5-5600-2ch", 1, Offload::none, 96, 1, std::nullopt, ""});
    }
    for (const char* q : {"BF16", "FP8", "INT4"}) {
      g.push_back({m, q, "vllm", "rtx-4090", 1, Offload::none, 0, 1, std::nullopt, ""});
      g.push_back({m, q, "vllm", "h100-sxm", 2, Offload::none, 0, 8, std::nullopt, "fp8"});
      g.push_back({m, q, "sglang", "l40s", 4, Offload::none, 0, 2, std::nullopt, ""});
    }
  }
  for (const char* q : {"Q2_K", "Q4_K_M"}) {
    g.push_back({"deepseek-r1", q, "llama.cpp", "rtx-4090", 1, Offload::experts, 512, 1, std::nullopt, ""});
    g.push_back({"deepseek-r1", q, "llama.cpp", "rtx-4090", 2, Offload::experts, 384, 1, std::nullopt, ""});
    g.push_back({"deepseek-r1", q, "llama.cpp", "h100-sxm", 8, Offload::none, 0, 4, std::nullopt, ""});
    g.push_back({"deepseek-r1", q, "ollama", "h100-sxm", 8, Offload::none, 0, 1, std::nullopt, ""});
    g.push_back({"deepseek-r1", q, "llama.cpp", "m3-ultra-512gb", 1, Offload::none, 0, 1, std::nullopt, ""});
  }
  g.push_back({"deepseek-r1", "FP8-block", "vllm", "h100-sxm", 16, Offload::none, 0, 1, std::nullopt, ""});
  g.push_back({"deepseek-r1", "FP8-block", "sglang", "h200", 8, Offload::none, 0, 4, std::nullopt, "fp8"});
  return g;
}

EstimateRequest req_of(const Case& c) { return req(c.model, c.quant, c.runtime, c.sequences, c.fa, c.kv); }
PlanRequest place_of(const Case& c) { return machine(c.gpu, c.count, c.offload, c.ram_gib); }

}  // namespace

TEST_CASE("the largest context fits and one token more does not, over the whole grid") {
  uint64_t cases = 0, capped = 0, none = 0, bound = 0;
  for (const Case& c : grid()) {
    CAPTURE(c.model);
    CAPTURE(c.quant);
    CAPTURE(c.runtime);
    CAPTURE(c.gpu);
    CAPTURE(c.count);
    CAPTURE(c.sequences);
    const EstimateRequest r = req_of(c);
    const PlanRequest p = place_of(c);
    const vramcalc::MaxContext mc = vramcalc::max_context(r, p);
    const uint64_t cap = cap_of(c.model);
    CHECK(mc.model_max == cap);
    ++cases;
    if (!mc.tokens) {
      ++none;
      CHECK_FALSE(fits_at(r, p, 1));
      CHECK((mc.binding == "device" || mc.binding == "ram"));
      continue;
    }
    CAPTURE(*mc.tokens);
    CHECK(*mc.tokens <= cap);
    CHECK(fits_at(r, p, *mc.tokens));
    if (*mc.tokens == cap) {
      ++capped;
      CHECK((mc.binding == "model_max" || mc.binding == "unchecked_ram"));
    } else {
      ++bound;
      CHECK_FALSE(fits_at(r, p, *mc.tokens + 1));
      CHECK((mc.binding == "device" || mc.binding == "ram"));
      // The answer sits on a cache step: the cells for context x sequences are a whole number of
      // the runtime's steps (256 cells in llama.cpp, 32 for llama.cpp-2025 without flash
      // attention; 16-token blocks in vLLM, 1 in SGLang).
      const vramcalc::Estimate e = [&] { EstimateRequest x = r; x.context = *mc.tokens; return vramcalc::estimate(x); }();
      const vramcalc::Estimate e1 = [&] { EstimateRequest x = r; x.context = *mc.tokens + 1; return vramcalc::estimate(x); }();
      CHECK(e1.kv.cells > e.kv.cells);
    }
    CHECK(mc.probes < 40);  // a search, not a scan
  }
  MESSAGE("max-context grid: " << cases << " cases, " << bound << " bound by memory, " << capped << " at the model's maximum, "
                               << none << " fit nowhere");
  CHECK(bound > 40);
  CHECK(capped > 10);
  CHECK(none > 5);
}

TEST_CASE("the largest context equals a scan over every cache step") {
  // Brute force in full on a few machines: every multiple of the step up to the model's maximum.
  const Case cases[] = {
      {"deepseek-r1-distill-qwen-32b", "Q4_K_M", "llama.cpp", "rtx-4090", 1, Offload::none, 0, 1, std::nullopt, ""},
      {"deepseek-r1-distill-llama-8b", "Q8_0", "llama.cpp", "rtx-3060-12gb", 1, Offload::none, 0, 1, std::nullopt, ""},
      {"deepseek-r1-distill-llama-70b", "Q4_K_M", "llama.cpp", "rtx-4090", 1, Offload::layers, 48, 1, std::nullopt, ""},
      {"deepseek-r1-distill-qwen-14b", "BF16", "vllm", "l40s", 1, Offload::none, 0, 1, std::nullopt, ""},
      {"deepseek-r1", "Q2_K", "llama.cpp", "rtx-4090", 1, Offload::experts, 256, 1, std::nullopt, ""},
  };
  uint64_t scanned = 0;
  for (const Case& c : cases) {
    CAPTURE(c.model);
    const EstimateRequest r = req_of(c);
    const PlanRequest p = place_of(c);
    const uint64_t step = std::string(c.runtime) == "vllm" ? 16 : 256;
    const uint64_t cap = cap_of(c.model);
    uint64_t best = 0;
    for (uint64_t ctx = step; ctx <= cap; ctx += step) {
      ++scanned;
      if (fits_at(r, p, ctx)) best = ctx;
      else break;  // memory only grows with the context
    }
    const vramcalc::MaxContext mc = vramcalc::max_context(r, p);
    if (best == 0) {
      CHECK_FALSE(mc.tokens.has_value());
    } else {
      REQUIRE(mc.tokens.has_value());
      CHECK(*mc.tokens == best);
    }
  }
  MESSAGE("full scans: " << scanned << " forward evaluations");
}

TEST_CASE("the largest context per sequence shrinks with more sequences") {
  const EstimateRequest one = req("deepseek-r1-distill-qwen-7b", "Q4_K_M");
  EstimateRequest four = one;
  four.sequences = 4;
  const PlanRequest p = machine("rtx-3060-12gb", 1);
  const auto m1 = vramcalc::max_context(one, p), m4 = vramcalc::max_context(four, p);
  REQUIRE(m1.tokens);
  REQUIRE(m4.tokens);
  CHECK(*m4.tokens < *m1.tokens);
  CHECK(fits_at(four, p, *m4.tokens));
  CHECK_FALSE(fits_at(four, p, *m4.tokens + 1));
}

TEST_CASE("the best format is the most bits per weight that fits, as a scan of every format says") {
  struct B {
    const char* model;
    const char* runtime;
    const char* gpu;
    uint64_t count;
    uint64_t context;
  };
  const B cases[] = {{"deepseek-r1-distill-llama-70b", "llama.cpp", "rtx-4090", 2, 32768},
                     {"deepseek-r1-distill-qwen-32b", "llama.cpp", "rtx-4090", 1, 8192},
                     {"deepseek-r1-distill-qwen-7b", "llama.cpp", "rtx-3060-12gb", 1, 65536},
                     {"deepseek-r1-distill-qwen-32b", "vllm", "h100-sxm", 1, 32768},
                     {"deepseek-r1-distill-llama-70b", "llama.cpp", "rtx-3070", 1, 4096}};
  const vramcalc::Catalog& cat = vramcalc::catalog();
  for (const B& b : cases) {
    CAPTURE(b.model);
    CAPTURE(b.gpu);
    EstimateRequest r = req(b.model, "Q4_K_M", b.runtime);
    r.context = b.context;
    const PlanRequest p = machine(b.gpu, b.count);
    std::string want;
    double want_bits = -1;
    size_t runnable = 0;
    for (const vramcalc::QuantFormat& q : cat.quants) {
      if (q.gguf != (std::string(b.runtime) != "vllm")) continue;
      ++runnable;
      EstimateRequest x = r;
      x.quant = q.name;
      const vramcalc::Estimate e = vramcalc::estimate(x);
      const double bits = double(e.weights.bytes) * 8.0 / double(e.params.total);
      if (fits_at(x, p, b.context) && bits > want_bits) {
        want = q.name;
        want_bits = bits;
      }
    }
    const vramcalc::BestFormat bf = vramcalc::best_format(r, p);
    CHECK(bf.formats.size() == runnable);
    if (want.empty()) {
      CHECK_FALSE(bf.best.has_value());
    } else {
      REQUIRE(bf.best.has_value());
      CHECK(bf.best->quant == want);
      for (const vramcalc::FormatFit& f : bf.alternatives) {
        CHECK(f.fits);
        CHECK(f.bits_per_weight <= bf.best->bits_per_weight);
      }
    }
  }
}

TEST_CASE("the offload sweep has one point per --n-cpu-moe, each the planner's own, and the fastest that fits") {
  EstimateRequest r = req("deepseek-r1", "Q2_K");
  r.context = 8192;
  const PlanRequest p = machine("rtx-4090", 2, Offload::experts, 256);
  const vramcalc::Sweep s = vramcalc::offload_sweep(r, p);
  const vramcalc::ModelArch& a = vramcalc::catalog().find_model("deepseek-r1")->arch;
  uint64_t moe = 0;
  for (uint32_t il = 0; il < a.n_layer; ++il) moe += a.is_moe_layer(il);
  CHECK(s.points.size() == moe + 1);  // none in RAM, then one more MoE block at a time
  CHECK(s.axis == "n_cpu_moe");
  std::optional<size_t> fastest;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const vramcalc::SweepPoint& pt = s.points[i];
    PlanRequest q = p;
    q.cpu_moe_layers = pt.cpu_moe_layers;
    EstimateRequest x = r;
    const vramcalc::Estimate e = vramcalc::estimate(x);
    bool fits = false;
    double tps = 0;
    try {
      const vramcalc::Plan pl = vramcalc::plan(e, q);
      fits = pl.fits;
      tps = pl.speed.decode_expected_per_sequence;
      CHECK(pl.ram_needed_bytes == pt.ram_bytes);
      uint64_t vram = 0;
      for (const auto& d : pl.devices) vram += d.total_bytes;
      CHECK(vram == pt.vram_bytes);
    } catch (const vramcalc::InputError& err) {
      CHECK(err.code() == "ram_too_small");
    }
    CHECK(fits == pt.fits);
    if (fits) CHECK(std::abs(tps - pt.decode_tokens_per_s) < 1e-9);
    if (fits && (!fastest || tps > s.points[*fastest].decode_tokens_per_s)) fastest = i;
    if (i > 0) CHECK(pt.vram_bytes <= s.points[i - 1].vram_bytes);  // experts leave the GPUs
  }
  CHECK(fastest == s.fastest);
  REQUIRE(s.fastest);

  // Dense: -ngl from everything to nothing.
  EstimateRequest d = req("deepseek-r1-distill-llama-70b", "Q4_K_M");
  const vramcalc::Sweep sd = vramcalc::offload_sweep(d, machine("rtx-4090", 1, Offload::layers, 64));
  CHECK(sd.axis == "n_gpu_layers");
  CHECK(sd.points.size() == 82);  // -ngl 81 .. 0
  CHECK(sd.points.front().gpu_layers == 81);
  CHECK(sd.points.back().gpu_layers == 0);
  REQUIRE(sd.fastest);
  for (const vramcalc::SweepPoint& pt : sd.points) {
    if (pt.fits) CHECK(pt.decode_tokens_per_s <= sd.points[*sd.fastest].decode_tokens_per_s);
  }
}

TEST_CASE("the fit table's verdicts are the planner's, and the recommendation follows its rules") {
  vramcalc::FitRequest fr;
  fr.machine.place = machine("rtx-4090", 1, Offload::none, 64);
  fr.context = 16384;
  fr.min_tokens_per_s = 10;
  const vramcalc::FitTable t = vramcalc::fit_table(fr);
  const vramcalc::Catalog& cat = vramcalc::catalog();
  // Every GGUF preset of every model, but MXFP4_MOE on a dense model (Q8_0's file, listed once).
  size_t gguf = 0, dense = 0;
  for (const auto& q : cat.quants) gguf += q.gguf;
  for (const auto& m : cat.models) dense += m.arch.n_expert == 0;
  CHECK(t.rows.size() == cat.models.size() * gguf - dense);
  REQUIRE(t.recommendation);
  CHECK(*t.recommendation == 0);  // shown first
  const vramcalc::FitRow& rec = t.rows.front();
  CHECK(rec.verdict != "no_fit");
  CHECK(rec.decode_tokens_per_s >= fr.min_tokens_per_s);
  for (const vramcalc::FitRow& row : t.rows) {
    CAPTURE(row.model);
    CAPTURE(row.quant);
    CAPTURE(row.verdict);
    const EstimateRequest r = req(row.model, row.quant);
    // Each verdict is the first way of holding it that the plain planner accepts.
    const PlanRequest none = machine("rtx-4090", 1, Offload::none, 64);
    const bool on_gpu = fits_at(r, none, fr.context);
    if (row.verdict == "gpu") CHECK(on_gpu);
    else CHECK_FALSE(on_gpu);
    if (row.verdict == "gpu_layers_ram") CHECK(fits_at(r, machine("rtx-4090", 1, Offload::layers, 64), fr.context));
    if (row.verdict == "gpu_experts_ram") CHECK(fits_at(r, machine("rtx-4090", 1, Offload::experts, 64), fr.context));
    if (row.verdict == "no_fit") {
      CHECK_FALSE(fits_at(r, machine("rtx-4090", 1, Offload::layers, 64), fr.context));
      CHECK_FALSE(fits_at(r, machine("cpu-ddr5-5600-2ch", 1, Offload::none, 64), fr.context));
    }
    // Nothing better in the stated order reaches the speed and context.
    const bool better = row.params_total > rec.params_total ||
                        (row.params_total == rec.params_total && row.bits_per_weight > rec.bits_per_weight);
    if (better) CHECK_FALSE((row.verdict != "no_fit" && row.decode_tokens_per_s >= fr.min_tokens_per_s));
    if (row.verdict == "gpu" && row.max_context && *row.max_context < cap_of(row.model)) {
      CHECK(fits_at(r, none, *row.max_context));
      CHECK_FALSE(fits_at(r, none, *row.max_context + 1));
    }
  }
  MESSAGE("fit table: " << t.rows.size() << " rows, " << t.probes << " forward evaluations");

  // A speed nothing reaches: no recommendation, and the reason says what to change.
  fr.min_tokens_per_s = 1e6;
  const vramcalc::FitTable none = vramcalc::fit_table(fr);
  CHECK_FALSE(none.recommendation.has_value());
  CHECK(none.recommendation_reason.find("lower the context or the minimum speed") != std::string::npos);
}

TEST_CASE("KTransformers' fit table: MoE models with their experts in RAM, dense ones on the GPU, by its planner") {
  // KTransformers places by module (a MoE model's routed experts always on the CPU), so the table
  // has no layer offload and no RAM-only verdict; each verdict is what its planner says.
  vramcalc::FitRequest fr;
  fr.machine.place = machine("rtx-4090", 1, Offload::none, 512);
  fr.machine.runtime = "ktransformers";
  fr.context = 8192;
  const vramcalc::FitTable t = vramcalc::fit_table(fr);
  REQUIRE_FALSE(t.rows.empty());
  bool moe_fits = false;
  for (const vramcalc::FitRow& row : t.rows) {
    CAPTURE(row.model);
    CAPTURE(row.quant);
    CAPTURE(row.verdict);
    const EstimateRequest r = req(row.model, row.quant, "ktransformers");
    const bool moe = vramcalc::catalog().find_model(row.model)->arch.is_moe();
    CHECK(row.verdict != "gpu_layers_ram");
    CHECK(row.verdict != "ram_only");
    const bool fits = fits_at(r, machine("rtx-4090", 1, moe ? Offload::experts : Offload::none, 512), fr.context);
    CHECK(fits == (row.verdict != "no_fit"));
    if (fits) CHECK(row.verdict == (moe ? "gpu_experts_ram" : "gpu"));
    moe_fits |= moe && fits;
  }
  CHECK(moe_fits);  // R1 at a small format: 512 GiB of RAM holds its experts
}

TEST_CASE("the fit table lists a file once: no two formats of one model with the same tensor types") {
  vramcalc::FitRequest fr;
  fr.machine.place.gpu = "rtx-4090";
  fr.machine.place.ram_bytes = uint64_t(64) << 30;
  fr.models = {"deepseek-r1-distill-qwen-7b", "deepseek-r1"};
  const vramcalc::FitTable t = vramcalc::fit_table(fr);
  std::vector<std::string> dense, moe;
  for (const auto& r : t.rows) (r.model == "deepseek-r1" ? moe : dense).push_back(r.quant);
  // llama-quantize's MXFP4_MOE writes MXFP4 only into expert tensors (ne[2] > 1) and Q8_0
  // elsewhere: on a dense model it is Q8_0's file.
  CHECK(std::count(dense.begin(), dense.end(), "Q8_0") == 1);
  CHECK(std::count(dense.begin(), dense.end(), "MXFP4_MOE") == 0);
  CHECK(std::count(moe.begin(), moe.end(), "MXFP4_MOE") == 1);
  CHECK(std::count(moe.begin(), moe.end(), "Q8_0") == 1);
  for (const auto& group : {std::pair{"deepseek-r1-distill-qwen-7b", dense}, std::pair{"deepseek-r1", moe}}) {
    const char* model = group.first;
    const std::vector<std::string>& quants = group.second;
    for (size_t i = 0; i < quants.size(); ++i) {
      for (size_t j = i + 1; j < quants.size(); ++j) {
        const vramcalc::Estimate x = testing::run(model, quants[i]), y = testing::run(model, quants[j]);
        if (!x.quant->gguf || !y.quant->gguf) continue;
        bool same = x.weights.n_parts == y.weights.n_parts;
        for (size_t k = 0; same && k < x.weights.n_parts; ++k) {
          same = std::string(x.weights.parts()[k].label) == y.weights.parts()[k].label && x.weights.parts()[k].tensors == y.weights.parts()[k].tensors;
        }
        CAPTURE(quants[i]);
        CAPTURE(quants[j]);
        CHECK_FALSE(same);
      }
    }
  }
}

TEST_CASE("reasoning time is prefill, then every decode step at its own context, summed") {
  // A hand-computable case: the 7B distill at Q8_0 wholly on one RTX 4090, one sequence.
  EstimateRequest r = req("deepseek-r1-distill-qwen-7b", "Q8_0");
  const PlanRequest p = machine("rtx-4090", 1);
  vramcalc::ReasoningRequest rr;
  rr.prompt_tokens = 900;
  rr.thinking_tokens = 700;
  rr.answer_tokens = 300;
  const vramcalc::Reasoning out = vramcalc::reasoning_budget(r, p, rr);
  CHECK(out.context_needed == 1900);
  CHECK(out.fits);
  // Brute force: the step time read from the plain planner at every context, token by token.
  auto step = [&](uint64_t c) {
    EstimateRequest x = r;
    x.context = c;
    const vramcalc::Estimate e = vramcalc::estimate(x);
    return 1.0 / vramcalc::plan(e, p).speed.decode_expected_per_sequence;
  };
  double thinking = 0, answer = 0;
  for (uint64_t c = 901; c <= 1600; ++c) thinking += step(c);
  for (uint64_t c = 1601; c <= 1900; ++c) answer += step(c);
  CHECK(out.thinking_s == doctest::Approx(thinking).epsilon(1e-6));
  CHECK(out.answer_s == doctest::Approx(answer).epsilon(1e-6));
  EstimateRequest x = r;
  x.context = 900;
  const vramcalc::Estimate e900 = vramcalc::estimate(x);
  const vramcalc::Plan p900 = vramcalc::plan(e900, p);
  REQUIRE(out.prefill_s);
  CHECK(*out.prefill_s == doctest::Approx(900.0 / p900.speed.prefill).epsilon(1e-9));
  CHECK(out.time_total_s == doctest::Approx(*out.prefill_s + thinking + answer).epsilon(1e-6));
  CHECK(out.time_to_first_answer_token_s == doctest::Approx(*out.prefill_s + thinking + step(1601)).epsilon(1e-6));

  // By hand: the upper-bound step is (weights read + KV read) / bandwidth. Q8_0 stores 32 values
  // in 34 bytes (ggml block_q8_0); the input embedding (152064 x 3584, Q8_0) is not read whole.
  const vramcalc::ModelArch& a = *e900.arch;
  const double embd = double(a.n_vocab) * double(a.n_embd) / 32.0 * 34.0;
  const double weights_read = double(e900.weights.bytes) - embd;
  CHECK(p900.speed.weights_read_per_token == doctest::Approx(weights_read).epsilon(1e-9));
  const double bw = 1008e9;  // RTX 4090, 1008 GB/s (NVIDIA Ada whitepaper)
  const double t900 = (weights_read + double(e900.kv.bytes_per_token) * 900.0) / bw;
  CHECK(1.0 / p900.speed.decode_per_sequence == doctest::Approx(t900).epsilon(1e-9));
  // The expected step is the same bytes at a sustained fraction of the peak: linear in the
  // context, so the trapezoid rule the solver uses is exact and agrees with the token-by-token sum.
  CHECK(step(1300) * 2 == doctest::Approx(step(900) + step(1700)).epsilon(1e-9));
}

TEST_CASE("reasoning defaults come from the published thinking lengths") {
  EstimateRequest r = req("deepseek-r1-distill-qwen-14b", "Q4_K_M");
  const vramcalc::Reasoning out = vramcalc::reasoning_budget(r, machine("rtx-4090", 1), {});
  CHECK(out.thinking_tokens == 12000);  // R1 on AIME 2025: 12K tokens per question (R1-0528 model card)
  CHECK(out.prompt_tokens == vramcalc::kDefaultPromptTokens);
  CHECK(out.answer_tokens == vramcalc::kDefaultAnswerTokens);
  CHECK(out.context_needed == out.prompt_tokens + out.thinking_tokens + out.answer_tokens);
  CHECK(out.time_total_s > out.time_to_first_answer_token_s);
  CHECK(out.decode_tokens_per_s_end < out.decode_tokens_per_s_start);  // the cache grows
}

TEST_CASE("solver requests that cannot be answered name the field") {
  auto err = [](json r) {
    const json out = vramcalc::solve_json_value(r);
    REQUIRE(out.contains("error"));
    return out["error"];
  };
  json base = {{"model", "deepseek-r1-distill-qwen-7b"}, {"quant", "Q4_K_M"}};
  json no_device = base;
  no_device["solve"] = "max_context";
  CHECK(err(no_device)["field"] == "gpu");
  json tiny = base;
  tiny["solve"] = "max_context";
  tiny["custom_gpu"] = {{"memory_gb", 0.05}, {"bandwidth_gb_per_s", 100}};
  const json t = err(tiny);
  CHECK(t["field"] == "custom_gpu.memory_gb");
  CHECK(t["message"].get<std::string>().find("cannot hold even one layer") != std::string::npos);
  json slow = {{"solve", "fit"}, {"gpu", "rtx-4090"}, {"min_speed", 0}};
  CHECK(err(slow)["field"] == "min_speed");
  slow["min_speed"] = -3;
  CHECK(err(slow)["field"] == "min_speed");
  json think = base;
  think["solve"] = "reasoning";
  think["gpu"] = "rtx-4090";
  think["thinking_tokens"] = 10'000'000;
  const json th = err(think);
  CHECK(th["field"] == "thinking_tokens");
  CHECK(th["message"].get<std::string>().find("beyond") != std::string::npos);
  json bad = base;
  bad["solve"] = "everything";
  bad["gpu"] = "rtx-4090";
  CHECK(err(bad)["field"] == "solve");
  json sweep = base;
  sweep["solve"] = "sweep";
  sweep["gpu"] = "rtx-4090";
  CHECK(err(sweep)["field"] == "offload");
}

TEST_CASE("the solver's JSON carries the CLI contract's fields") {
  json r = {{"model", "deepseek-r1-distill-qwen-32b"}, {"quant", "Q4_K_M"}, {"gpu", "rtx-4090"}, {"solve", "max_context"},
            {"launch_commands", true}};
  json out = vramcalc::solve_json_value(r);
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["max_context"].is_number_unsigned());
  CHECK(out["max_context_binding"] == "device");
  CHECK(out["launch_commands"]["llama.cpp"].get<std::string>().rfind("llama-server ", 0) == 0);
  CHECK(out.contains("total_bytes"));  // the estimate's own fields stay
  r["solve"] = "best_quant";
  r["context"] = 8192;
  out = vramcalc::solve_json_value(r);
  CHECK(out["best_quant"].is_string());
  CHECK(out["alternatives"].is_array());
  CHECK(out["quant"]["name"] == out["best_quant"]);
  json f = {{"solve", "fit"}, {"gpu", "rtx-4090"}, {"ram_gb", 64}, {"context", 8192}};
  out = vramcalc::solve_json_value(f);
  REQUIRE(out["rows"].is_array());
  for (const char* k : {"model", "quant", "runtime", "verdict", "max_context", "decode_tokens_per_s", "vram_bytes", "ram_bytes"}) {
    CAPTURE(k);
    CHECK(out["rows"][0].contains(k));
  }
  CHECK(out.contains("machine"));
  CHECK(out.contains("recommendation"));
  json rs = {{"solve", "reasoning"}, {"model", "deepseek-r1-distill-qwen-7b"}, {"quant", "Q4_K_M"}, {"gpu", "rtx-4090"}};
  out = vramcalc::solve_json_value(rs);
  for (const char* k : {"context_needed", "fits", "time_to_first_answer_token_s", "time_total_s", "assumptions"}) {
    CAPTURE(k);
    CHECK(out.contains(k));
  }
}
