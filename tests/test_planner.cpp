// The planner: placement by each runtime's rules, offload to RAM, the minimum device count, the
// suggested GPU, and errors that name the field.
#include <doctest/doctest.h>

#include <tuple>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "plan_sums.hpp"
#include "errors.hpp"
#include "planner.hpp"

using nlohmann::json;
using vramcalc::Offload;
using vramcalc::Plan;
using vramcalc::PlanRequest;

namespace {

using testing::run;
using testing::sums;
using testing::Sums;


PlanRequest on(const char* gpu, uint64_t count = 1, Offload off = Offload::none) {
  PlanRequest p;
  p.gpu = gpu;
  p.count = count;
  p.offload = off;
  return p;
}

}  // namespace

TEST_CASE("the layer map of every catalogue model sums exactly to the estimate's weights and KV cache") {
  for (const auto& m : vramcalc::catalog().models) {
    for (const char* q : {"Q4_K_M", "Q8_0", "FP8-block", "INT4", "BF16"}) {
      for (const char* rt : {"llama.cpp", "llama.cpp-legacy", "vllm"}) {
        CAPTURE(m.arch.id);
        CAPTURE(q);
        CAPTURE(rt);
        const vramcalc::Estimate e = run(m.arch.id, q, 8192, rt, 2);
        const vramcalc::LayerMap lm = vramcalc::layer_map(e);
        CHECK(lm.weights_total() == e.weights.bytes);
        CHECK(lm.kv_total() == e.kv.bytes);
      }
    }
  }
}

TEST_CASE("the weights the core keeps per catalogue model and format equal the weights computed afresh") {
  // A catalogue model's weights and weights by layer are kept after their first estimate; the same
  // architecture given as a custom config is computed every time. Both orders, imatrix on and off
  // (IQ3_XXS, IQ4_XS and Q4_0 pick other types with one) and the runtimes that lay DeepSeek's
  // attention out differently must agree.
  const auto& models = vramcalc::catalog().models;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < models.size(); ++k) {
      const auto& m = models[pass == 0 ? k : models.size() - 1 - k];
      for (const char* q : {"Q4_K_M", "IQ1_S", "IQ3_XXS", "IQ4_XS", "Q4_0", "INT4"}) {
        for (const char* rt : {"llama.cpp", "llama.cpp-legacy", "vllm"}) {
          for (bool imatrix : {false, true}) {
            CAPTURE(m.arch.id);
            CAPTURE(q);
            CAPTURE(rt);
            CAPTURE(imatrix);
            vramcalc::EstimateRequest r;
            r.model = m.arch.id;
            r.quant = q;
            r.runtime = rt;
            r.imatrix = imatrix;
            r.context = 2048 << pass;
            const vramcalc::Estimate kept = vramcalc::estimate(r);
            r.custom = m.arch;
            const vramcalc::Estimate fresh = vramcalc::estimate(r);
            REQUIRE(kept.catalog_model != nullptr);
            REQUIRE(fresh.catalog_model == nullptr);
            CHECK(kept.weights.bytes == fresh.weights.bytes);
            CHECK(kept.weights.n_tensors == fresh.weights.n_tensors);
            CHECK(kept.weights.imatrix_required_tensors == fresh.weights.imatrix_required_tensors);
            CHECK(kept.file_bytes == fresh.file_bytes);
            const vramcalc::LayerMap a = vramcalc::layer_map(kept), b = vramcalc::layer_map(fresh);
            REQUIRE(a.layers.size() == b.layers.size());
            for (size_t il = 0; il < a.layers.size(); ++il) {
              CHECK(a.layers[il].routed == b.layers[il].routed);
              CHECK(a.layers[il].attention == b.layers[il].attention);
            }
            CHECK(a.kv == b.kv);
            CHECK(a.weights_total() == b.weights_total());
          }
        }
      }
    }
  }
}

TEST_CASE("per-device parts sum to the totals, for layer splits, offload and tensor x pipeline parallel") {
  struct Row { const char* model; const char* quant; const char* runtime; const char* gpu; uint64_t count; Offload off; };
  const Row rows[] = {
      {"deepseek-r1-distill-qwen-32b", "Q4_K_M", "llama.cpp", "rtx-4090", 3, Offload::none},
      {"deepseek-r1-distill-llama-70b", "Q4_K_M", "llama.cpp", "rtx-3090", 2, Offload::layers},
      {"deepseek-r1", "Q4_K_M", "llama.cpp", "rtx-4090", 2, Offload::experts},
      {"deepseek-r1", "Q2_K", "ollama", "h100-sxm", 3, Offload::none},
      {"deepseek-r1-distill-qwen-1.5b", "Q8_0", "llama.cpp", "cpu-ddr5-5600-2ch", 1, Offload::none},
      {"deepseek-r1", "FP8-block", "vllm", "h100-sxm", 16, Offload::none},
      {"deepseek-r1-distill-llama-70b", "BF16", "vllm", "a100-80gb-sxm", 4, Offload::none},
      {"deepseek-r1-distill-qwen-32b", "INT4", "sglang", "l40s", 6, Offload::none},
  };
  for (const Row& r : rows) {
    CAPTURE(r.model);
    CAPTURE(r.gpu);
    CAPTURE(r.count);
    const vramcalc::Estimate e = run(r.model, r.quant, 4096, r.runtime);
    const Plan p = vramcalc::plan(e, on(r.gpu, r.count, r.off));
    const Sums s = sums(p);
    CHECK(s.weights == e.weights.bytes);
    CHECK(s.kv == e.kv.bytes);
    for (const auto& d : p.devices) {
      CHECK(d.total_bytes == d.weights_bytes + d.kv_bytes + d.compute_bytes + d.cuda_graph_bytes + d.reserved_bytes +
                                 d.output_buffer_bytes);
    }
  }
}

TEST_CASE("tensor-parallel sizes of vLLM and SGLang layouts divide the attention heads and the KV heads") {
  for (const auto& m : vramcalc::catalog().models) {
    for (const char* rt : {"vllm", "sglang"}) {
      for (uint64_t count : {1, 2, 3, 4, 6, 8, 12, 16}) {
        CAPTURE(m.arch.id);
        CAPTURE(count);
        const vramcalc::Estimate e = run(m.arch.id, "BF16", 4096, rt);
        Plan p;
        try {
          p = vramcalc::plan(e, on("h100-sxm", count));
        } catch (const vramcalc::InputError& err) {
          CHECK(err.field() == "gpus");  // a count no valid TP x PP layout makes
          continue;
        }
        const uint64_t tp = p.layout.tp;
        CHECK(tp * p.layout.pp == count);
        CHECK(m.arch.n_head % tp == 0);
        if (m.arch.attention != vramcalc::AttentionKind::MLA) {
          const uint64_t kv = m.arch.n_head_kv;
          CHECK((tp >= kv ? tp % kv : kv % tp) == 0);
        }
        CHECK((tp & (tp - 1)) == 0);
        CHECK(tp <= 8);
      }
    }
  }
}

TEST_CASE("DeepSeek-R1 at FP8 needs TP8 x PP2 = 16 H100 80GB under vLLM; at INT4, TP8 = 8") {
  for (const char* q : {"FP8", "FP8-block"}) {
    CAPTURE(q);
    const vramcalc::Estimate e = run("deepseek-r1", q, 4096, "vllm");
    const Plan p = vramcalc::plan(e, on("h100-sxm", 8));
    CHECK_FALSE(p.fits);  // about 84 GB of FP8 weights per GPU against 90% of 79.6 GiB
    CHECK(p.headroom_bytes < 0);
    REQUIRE(p.minimum);
    CHECK(p.minimum->count > 8);
    CHECK(p.minimum->tp == 8);
    CHECK(p.minimum->pp == 2);
    // The MLA latent cache is whole on every rank: TP does not split it.
    for (const auto& d : p.devices) CHECK(d.kv_bytes == e.kv.bytes);
  }
  const vramcalc::Estimate int4 = run("deepseek-r1", "INT4", 4096, "vllm");
  const Plan p = vramcalc::plan(int4, on("h100-sxm", 8));
  CHECK(p.fits);
  REQUIRE(p.minimum);
  CHECK(p.minimum->count == 8);
  CHECK(p.minimum->tp == 8);
  CHECK(p.minimum->pp == 1);
}

TEST_CASE("a distill at Q4_K_M fits one RTX 4090, and the full R1 does not") {
  const vramcalc::Estimate e = run("deepseek-r1-distill-qwen-32b", "Q4_K_M", 4096);
  const Plan p = vramcalc::plan(e, on("rtx-4090"));
  CHECK(p.fits);
  CHECK(p.headroom_bytes > 0);
  REQUIRE(p.minimum);
  CHECK(p.minimum->count == 1);
  // llama.cpp keeps the input embedding in RAM even with every layer on the GPU.
  CHECK(p.host.input_layer);
  CHECK(p.devices[0].output_layer);
  CHECK(p.devices[0].layers == e.arch->n_layer);

  const vramcalc::Estimate r1 = run("deepseek-r1", "Q4_K_M", 4096);
  const Plan big = vramcalc::plan(r1, on("rtx-4090"));
  CHECK_FALSE(big.fits);
  CHECK(big.headroom_bytes < -int64_t(300'000'000'000));
}

TEST_CASE("offloading layers moves their weights and KV cache from VRAM to RAM exactly") {
  const vramcalc::Estimate e = run("deepseek-r1-distill-llama-70b", "Q4_K_M", 8192);
  const Plan all = vramcalc::plan(e, on("rtx-4090", 1));
  PlanRequest r = on("rtx-4090", 1, Offload::layers);
  r.gpu_layers = 41;  // the output layer and the last 40 of 80 blocks
  const Plan half = vramcalc::plan(e, r);
  const vramcalc::LayerMap m = vramcalc::layer_map(e);
  uint64_t moved_w = 0, moved_kv = 0;
  for (uint32_t il = 0; il < 40; ++il) {
    moved_w += m.layers[il].total();
    moved_kv += m.kv[il];
  }
  CHECK(half.devices[0].layer_first == 40);
  CHECK(half.devices[0].weights_bytes == all.devices[0].weights_bytes - moved_w);
  CHECK(half.devices[0].kv_bytes == all.devices[0].kv_bytes - moved_kv);
  CHECK(half.host.weights_bytes == all.host.weights_bytes + moved_w);
  CHECK(half.host.kv_bytes == moved_kv);
  // Automatic -ngl: the most layers that fit, and one more would not.
  const Plan autofit = vramcalc::plan(e, on("rtx-4090", 1, Offload::layers));
  CHECK(autofit.fits);
  r.gpu_layers = autofit.gpu_layers + 1;
  CHECK_FALSE(vramcalc::plan(e, r).fits);
}

TEST_CASE("expert offload keeps attention, shared experts and KV on the GPU and moves routed experts to RAM exactly") {
  const vramcalc::Estimate e = run("deepseek-r1", "Q4_K_M", 16384);
  const vramcalc::LayerMap m = vramcalc::layer_map(e);
  PlanRequest r = on("rtx-4090", 1, Offload::experts);
  r.cpu_moe_layers = e.arch->n_layer;  // -ot exps=CPU
  const Plan p = vramcalc::plan(e, r);
  uint64_t routed = 0, rest = 0;
  for (const auto& l : m.layers) {
    routed += l.routed;
    rest += l.total() - l.routed;
  }
  CHECK(p.devices[0].weights_bytes == rest + m.output);
  CHECK(p.devices[0].kv_bytes == e.kv.bytes);
  CHECK(p.host.weights_bytes == routed + m.token_embd);
  CHECK(p.fits);  // about 17 GB of non-expert weights at Q4_K_M
  CHECK(p.ram_needed_bytes > routed);
  // Fewer layers' experts in RAM put the rest back on the GPU.
  r.cpu_moe_layers = 50;
  const Plan q = vramcalc::plan(e, r);
  uint64_t kept = 0;
  for (uint32_t il = 50; il < e.arch->n_layer; ++il) kept += m.layers[il].routed;
  CHECK(q.devices[0].weights_bytes == p.devices[0].weights_bytes + kept);
  CHECK(q.host.weights_bytes == p.host.weights_bytes - kept);
}

TEST_CASE("too little RAM for what is offloaded is a verdict: the plan does not fit, by the RAM's shortfall") {
  const vramcalc::Estimate e = run("deepseek-r1", "Q4_K_M", 4096);
  PlanRequest r = on("rtx-4090", 1, Offload::experts);
  r.ram_bytes = 256ull << 30;  // 256 GiB, less than the ~380 GB of routed experts kept in RAM
  const Plan p = vramcalc::plan(e, r);
  REQUIRE(p.devices.size() == 1);
  CHECK(p.devices[0].fits);
  CHECK_FALSE(p.host.fits);
  CHECK_FALSE(p.fits);
  CHECK(p.host.total_bytes > *r.ram_bytes);
  CHECK(p.headroom_bytes == int64_t(*r.ram_bytes) - int64_t(p.host.total_bytes));
  bool ram_note = false, gpu_note = false;
  for (const std::string& n : p.notes) {
    ram_note = ram_note || n.find("does not fit in system RAM") != std::string::npos;
    gpu_note = gpu_note || n.find("on the fullest device") != std::string::npos;
  }
  CHECK(ram_note);
  CHECK_FALSE(gpu_note);  // the GPU holds its part: only the RAM is short
  // Enough RAM: it fits.
  r.ram_bytes = 1024ull << 30;
  CHECK(vramcalc::plan(e, r).fits);
}

TEST_CASE("speed reads only the active experts and adds offloaded parts at RAM bandwidth") {
  const vramcalc::Estimate e = run("deepseek-r1", "Q4_K_M", 4096);
  const vramcalc::LayerMap m = vramcalc::layer_map(e);
  PlanRequest r = on("rtx-4090", 1, Offload::experts);
  r.cpu_moe_layers = e.arch->n_layer;
  const Plan p = vramcalc::plan(e, r);
  uint64_t routed = 0;
  for (const auto& l : m.layers) routed += l.routed;
  const double active_routed = double(routed) * 8.0 / 256.0;
  const double gpu_read = double(p.devices[0].weights_bytes);
  CHECK(p.speed.weights_read_per_token == doctest::Approx(gpu_read + active_routed).epsilon(1e-9));
  const double t = (gpu_read + double(e.kv.bytes_per_token) * 4096) / 1008e9 + active_routed / 89.6e9;
  CHECK(p.speed.decode_per_sequence == doctest::Approx(1.0 / t).epsilon(1e-3));
  CHECK(p.speed.decode_expected_per_sequence < p.speed.decode_per_sequence);
}

TEST_CASE("the suggested GPU is the smallest single device that fits, else a count of a datacenter GPU") {
  const vramcalc::Estimate small = run("deepseek-r1-distill-qwen-7b", "Q4_K_M", 4096);
  const vramcalc::Suggestion s = vramcalc::suggest_gpu(small);
  REQUIRE(s.single);
  CHECK(s.single->memory_bytes == 8ull << 30);
  const vramcalc::Estimate r1 = run("deepseek-r1", "Q4_K_M", 4096);
  const vramcalc::Suggestion b = vramcalc::suggest_gpu(r1);
  CHECK(b.single == nullptr);
  REQUIRE(b.apple);
  CHECK(b.apple->id == "m3-ultra-512gb");
  REQUIRE(b.multi);
  CHECK(b.multi->count >= 6);
  const json j = vramcalc::estimate_json_value({{"model", "deepseek-r1"}, {"suggest_gpu", true}});
  CHECK(j["suggested_gpu"]["multi"]["id"] == "h100-sxm");
}

TEST_CASE("the catalogue lists the devices with memory and bandwidth for the page's picker") {
  const json c = vramcalc::catalog_json();
  REQUIRE(c["devices"].size() >= 37);
  for (const json& d : c["devices"]) {
    CAPTURE(d["id"].get<std::string>());
    CHECK(d["bandwidth_gb_per_s"].get<double>() > 0);
    if (d["class"] != "cpu") CHECK(d["usable_bytes"].get<uint64_t>() > 0);
  }
}

TEST_CASE("plan and speed appear in the JSON only when a device is given") {
  const json plain = vramcalc::estimate_json_value({{"model", "deepseek-r1-distill-qwen-7b"}});
  CHECK_FALSE(plain.contains("plan"));
  CHECK_FALSE(plain.contains("speed"));
  const json j = vramcalc::estimate_json_value(
      {{"model", "deepseek-r1-distill-qwen-7b"}, {"custom_gpu", {{"memory_gb", 12}, {"bandwidth_gb_per_s", 360}}}});
  REQUIRE(j.contains("plan"));
  CHECK(j["plan"]["device"]["usable_bytes"] == 12ull << 30);
  CHECK(j["speed"]["upper_bound"] == true);
  CHECK(j["speed"]["decode_tokens_per_s_per_sequence"].get<double>() > 0);
}

TEST_CASE("bad hardware input gets an error naming the field") {
  struct Row { json req; const char* field; const char* text; };
  const json base = {{"model", "deepseek-r1-distill-qwen-7b"}};
  auto with = [&](json extra) { json r = base; r.update(extra); return r; };
  const Row rows[] = {
      {with({{"gpu", "rtx-9090"}}), "gpu", "unknown device \"rtx-9090\""},
      {with({{"gpu", "rtx-4090"}, {"gpus", 0}}), "gpus", "Number of devices must be between 1 and 64"},
      {with({{"gpu", "rtx-4090"}, {"gpus", -2}}), "gpus", "Number of devices cannot be negative (got -2)"},
      {with({{"gpu", "rtx-4090"}, {"gpus", "lots"}}), "gpus", "Number of devices must be a whole number (got \"lots\")"},
      {with({{"custom_gpu", {{"memory_gb", 24}, {"bandwidth_gb_per_s", 0}}}}), "custom_gpu.bandwidth_gb_per_s", "GPU bandwidth (GB/s) must be more than 0 (got 0)"},
      {with({{"custom_gpu", {{"memory_gb", -1}, {"bandwidth_gb_per_s", 900}}}}), "custom_gpu.memory_gb", "GPU memory (GB) must be more than 0 (got -1)"},
      {with({{"custom_gpu", {{"memory_gb", 24}}}}), "custom_gpu.bandwidth_gb_per_s", "GPU bandwidth (GB/s) is required"},
      {with({{"gpu", "rtx-4090"}, {"ram_gb", 0}}), "ram_gb", "System RAM (GB) must be more than 0 (got 0)"},
      {with({{"gpu", "rtx-4090"}, {"offload", "disk"}}), "offload", "Offload to system RAM must be none, layers or experts (got \"disk\")"},
      {with({{"gpu", "rtx-4090"}, {"offload", "experts"}}), "offload", "dense model"},
      {with({{"gpu", "h100-sxm"}, {"runtime", "vllm"}, {"quant", "BF16"}, {"offload", "layers"}}), "offload", "llama.cpp"},
      {with({{"gpu", "rtx-4090"}, {"offload", "layers"}, {"gpu_layers", 99}}), "gpu_layers", "between 0 and 29"},
      {with({{"gpus", 2}}), "gpu", "needs a device"},
      {with({{"gpu", "cpu-ddr5-5600-2ch"}, {"runtime", "vllm"}, {"quant", "BF16"}}), "gpu", "not on CPU"},
      {with({{"gpu", "rtx-4090"}, {"host", "rtx-3090"}}), "host", "unknown host memory"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.req.dump());
    const json err = testing::error_of(r.req);
    REQUIRE(err.is_object());
    CHECK(err["field"] == r.field);
    CHECK(err["message"].get<std::string>().find(r.text) != std::string::npos);
  }
}

TEST_CASE("a plan without its sentences (the solvers' probes) has the same figures as the full plan") {
  // The fit table and the other solvers place a model at many contexts and read only figures;
  // leaving the sentences out must not change one of them.
  auto same = [](const vramcalc::DevicePart& a, const vramcalc::DevicePart& b) {
    CHECK(a.label == b.label);
    CHECK(a.total_bytes == b.total_bytes);
    CHECK(a.weights_bytes == b.weights_bytes);
    CHECK(a.kv_bytes == b.kv_bytes);
    CHECK(a.compute_bytes == b.compute_bytes);
    CHECK(a.budget_bytes == b.budget_bytes);
    CHECK(a.layers == b.layers);
    CHECK(a.expert_layers == b.expert_layers);
    CHECK(a.fits == b.fits);
  };
  int compared = 0;
  for (const auto& m : vramcalc::catalog().models) {
    for (const char* q : {"Q4_K_M", "IQ1_S", "Q8_0", "FP8-block"}) {
      for (const char* rt : {"llama.cpp", "vllm"}) {
        for (uint64_t ctx : {4096u, 65536u}) {
          vramcalc::EstimateRequest er;
          er.model = m.arch.id;
          er.quant = q;
          er.runtime = rt;
          er.context = ctx;
          vramcalc::Estimate e;
          try {
            e = vramcalc::estimate(er);
          } catch (const vramcalc::InputError&) {
            continue;  // a format the runtime does not run
          }
          for (const auto& where : {std::tuple{"rtx-4090", 1u, Offload::none}, std::tuple{"rtx-4090", 1u, Offload::layers},
                                    std::tuple{"rtx-3090", 2u, Offload::experts}, std::tuple{"h100-sxm", 8u, Offload::none},
                                    std::tuple{"cpu-ddr5-5600-2ch", 1u, Offload::none}}) {
            const char* gpu = std::get<0>(where);
            PlanRequest pr = on(gpu, std::get<1>(where), std::get<2>(where));
            pr.ram_bytes = uint64_t(64) << 30;
            CAPTURE(m.arch.id);
            CAPTURE(q);
            CAPTURE(rt);
            CAPTURE(ctx);
            CAPTURE(gpu);
            vramcalc::PlanOptions full, bare;
            bare.texts = false;
            std::string full_error, bare_error;
            Plan a, b;
            try { a = vramcalc::plan(e, pr, full); } catch (const vramcalc::InputError& x) { full_error = x.what(); }
            try { b = vramcalc::plan(e, pr, bare); } catch (const vramcalc::InputError& x) { bare_error = x.what(); }
            CHECK(full_error == bare_error);
            if (!full_error.empty()) continue;
            ++compared;
            CHECK(a.fits == b.fits);
            CHECK(a.headroom_bytes == b.headroom_bytes);
            CHECK(a.ram_needed_bytes == b.ram_needed_bytes);
            CHECK(a.gpu_layers == b.gpu_layers);
            CHECK(a.cpu_moe_layers == b.cpu_moe_layers);
            CHECK(a.layout.kind == b.layout.kind);
            CHECK(a.layout.tp == b.layout.tp);
            CHECK(a.layout.pp == b.layout.pp);
            REQUIRE(a.devices.size() == b.devices.size());
            for (size_t i = 0; i < a.devices.size(); ++i) same(a.devices[i], b.devices[i]);
            same(a.host, b.host);
            CHECK(a.minimum.has_value() == b.minimum.has_value());
            CHECK(a.speed.decode_per_sequence == b.speed.decode_per_sequence);
            CHECK(a.speed.decode_expected_per_sequence == b.speed.decode_expected_per_sequence);
            CHECK(a.speed.decode_expected_aggregate == b.speed.decode_expected_aggregate);
            CHECK(a.speed.prefill == b.speed.prefill);
            CHECK(a.speed.similar_n == b.speed.similar_n);
            CHECK(a.speed.group == b.speed.group);
            // The full plan says what it did; the bare one says nothing.
            CHECK_FALSE(a.split.empty());
            CHECK_FALSE(a.speed.assumptions.empty());
            CHECK_FALSE(a.layout.description.empty());
            CHECK(b.split.empty());
            CHECK(b.replicated.empty());
            CHECK(b.speed.assumptions.empty());
            CHECK(b.layout.description.empty());
          }
        }
      }
    }
  }
  CHECK(compared > 100);
}

TEST_CASE("the automatic -ngl and --n-cpu-moe are those a scan of every explicit value finds") {
  // llama.cpp's rule for the automatic choice, checked value by value with explicit settings: the
  // most layers on the GPUs that fit (else -ngl 0), and the fewest blocks' experts in RAM that fit
  // (else all of them).
  struct Case {
    const char* model;
    const char* quant;
    uint64_t context;
    const char* gpu;
    uint64_t count;
  };
  const Case dense[] = {{"deepseek-r1-distill-llama-70b", "Q4_K_M", 8192, "rtx-4090", 1},
                        {"deepseek-r1-distill-llama-70b", "Q8_0", 32768, "rtx-3090", 2},
                        {"deepseek-r1-distill-qwen-32b", "Q6_K", 65536, "rtx-4060-ti-16gb", 1},
                        {"deepseek-r1-distill-qwen-32b", "BF16", 131072, "rtx-5090", 3},
                        {"deepseek-r1-distill-qwen-14b", "Q4_K_M", 4096, "rtx-4090", 1},
                        {"deepseek-r1-distill-qwen-1.5b", "Q4_K_M", 4096, "rtx-4060-ti-16gb", 1}};
  for (const Case& c : dense) {
    INFO(c.model << " " << c.quant << " at " << c.context << " on " << c.count << " x " << c.gpu);
    const vramcalc::Estimate e = run(c.model, c.quant, c.context);
    const uint64_t n_all = e.arch->n_layer + 1;
    PlanRequest r = on(c.gpu, c.count, Offload::layers);
    const Plan chosen = vramcalc::plan(e, r);
    uint64_t want = 0;
    for (uint64_t ngl = n_all + 1; ngl-- > 0;) {
      r.gpu_layers = ngl;
      if (vramcalc::plan(e, r).fits || ngl == 0) { want = ngl; break; }
    }
    CHECK(chosen.gpu_layers == want);
  }
  const Case moe[] = {{"deepseek-r1", "Q4_K_M", 16384, "rtx-4090", 1}, {"deepseek-r1", "Q2_K", 65536, "rtx-3090", 4},
                      {"deepseek-r1", "IQ1_S", 163840, "rtx-5090", 2},  {"deepseek-r1", "Q8_0", 4096, "h100-sxm", 3},
                      {"deepseek-r1", "Q4_K_M", 4096, "h100-sxm", 8},   {"deepseek-r1", "Q4_K_M", 131072, "rtx-4060-ti-16gb", 1}};
  for (const Case& c : moe) {
    INFO(c.model << " " << c.quant << " at " << c.context << " on " << c.count << " x " << c.gpu);
    const vramcalc::Estimate e = run(c.model, c.quant, c.context);
    PlanRequest r = on(c.gpu, c.count, Offload::experts);
    const Plan chosen = vramcalc::plan(e, r);
    uint64_t want = e.arch->n_layer;
    for (uint64_t n = 0; n <= e.arch->n_layer; ++n) {
      r.cpu_moe_layers = n;
      if (vramcalc::plan(e, r).fits) { want = n; break; }
    }
    CHECK(chosen.cpu_moe_layers == want);
  }
}
