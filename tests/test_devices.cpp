// The device catalogue against the vendors' published figures and macOS's GPU memory limit, and
// the R1 family's newer members against their model cards.
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "hardware.hpp"
#include "helpers.hpp"
#include "planner.hpp"

namespace {

const vramcalc::Device& dev(const std::string& id) {
  const vramcalc::Device* d = vramcalc::hardware().find(id);
  REQUIRE_MESSAGE(d != nullptr, id);
  return *d;
}

}  // namespace

TEST_CASE("a device is found by its id in any case, and a near miss is not found") {
  const vramcalc::HardwareCatalog& hw = vramcalc::hardware();
  for (const vramcalc::Device& d : hw.devices) {
    CAPTURE(d.id);
    CHECK(hw.find(d.id) == &d);
    std::string upper = d.id;
    for (char& c : upper) c = char(std::toupper((unsigned char)c));
    CHECK(hw.find(upper) == &d);
    CHECK(hw.find(d.id + "x") != &d);
    CHECK(hw.find(d.id.substr(0, d.id.size() - 1)) != &d);
  }
  CHECK(hw.find("") == nullptr);
  CHECK(hw.find("rtx-4090x") == nullptr);
  CHECK(hw.find("rtx-4090 ") == nullptr);
  CHECK(hw.find("RTX-4090")->name == hw.find("rtx-4090")->name);
}

TEST_CASE("the machines of a public R1-distill benchmark are all in the catalogue") {
  // RTX 3080 Ti, 4070 Ti, 2080 Ti, A4000, M1 Ultra, DGX Spark and Radeon AI PRO R9700 were missing.
  for (const char* id : {"rtx-3080-ti", "rtx-4070-ti", "rtx-2080-ti", "rtx-a4000", "m1-ultra-64gb", "m1-ultra-128gb",
                         "dgx-spark", "radeon-ai-pro-r9700", "ryzen-ai-max-395-128gb", "arc-b580", "mi350x", "b300"}) {
    CAPTURE(id);
    CHECK(vramcalc::hardware().find(id) != nullptr);
  }
  // Spec sheets: RTX 3080 Ti 912 GB/s (384-bit, 19 Gbps), M1 Ultra 800 GB/s, DGX Spark 273 GB/s.
  CHECK(dev("rtx-3080-ti").bandwidth_gb_per_s == doctest::Approx(912));
  CHECK(dev("m1-ultra-128gb").bandwidth_gb_per_s == doctest::Approx(800));
  CHECK(dev("dgx-spark").bandwidth_gb_per_s == doctest::Approx(273));
}

TEST_CASE("Apple rows: every memory size sold, with macOS's default GPU working set") {
  const double GiB = 1024.0 * 1024.0 * 1024.0;
  // recommendedMaxWorkingSetSize as llama.cpp logs it (decimal MB): 16 GB -> 11453.25 MB,
  // 36 GB -> 30150.67 MB, 64 GB -> 51539.61 MB, 128 GB -> 103079.22 MB.
  CHECK(double(dev("m1-pro-16gb").usable_bytes) / 1e6 == doctest::Approx(11453.25).epsilon(1e-5));
  CHECK(double(dev("m4-max-32c-36gb").usable_bytes) / 1e6 == doctest::Approx(30150.67).epsilon(1e-5));
  CHECK(double(dev("m2-max-64gb").usable_bytes) / 1e6 == doctest::Approx(51539.61).epsilon(1e-5));
  CHECK(double(dev("m4-max-128gb").usable_bytes) / 1e6 == doctest::Approx(103079.22).epsilon(1e-5));
  // Sizes Apple sold (tech specs pages): M3 Max 36/48/64/96/128, M4 Pro 24/48/64, M2 Ultra 64/128/192.
  for (const char* id : {"m3-max-30c-36gb", "m3-max-48gb", "m3-max-64gb", "m3-max-30c-96gb", "m3-max-128gb", "m4-pro-24gb",
                         "m4-pro-48gb", "m4-pro-64gb", "m2-ultra-64gb", "m2-ultra-128gb", "m2-ultra-192gb", "m1-8gb"}) {
    CAPTURE(id);
    const vramcalc::Device& d = dev(id);
    CHECK(d.is_apple());
    CHECK(double(d.usable_bytes) < double(d.memory_bytes));
    CHECK(double(d.usable_bytes) >= 0.66 * double(d.memory_bytes));
  }
  CHECK(double(dev("m1-8gb").memory_bytes) == doctest::Approx(8 * GiB));
}

TEST_CASE("unified-memory PCs read offloaded weights at their own bandwidth, and are not suggested as a GPU") {
  vramcalc::PlanRequest p;
  p.gpu = "dgx-spark";
  const vramcalc::Plan plan = vramcalc::plan(testing::run("deepseek-r1-distill-llama-70b", "Q4_K_M"), p);
  CHECK(plan.fits);
  const vramcalc::Suggestion s = vramcalc::suggest_gpu(testing::run("deepseek-r1-distill-llama-70b", "Q4_K_M"));
  REQUIRE(s.single != nullptr);
  CHECK(s.single->device_class != "unified");
  CHECK(s.single->device_class != "laptop");
}

TEST_CASE("R1-0528, V3, V3-0324 and V3.1 share R1's architecture; R1-0528-Qwen3-8B is a Qwen3 8B") {
  const vramcalc::Estimate r1 = testing::run("deepseek-r1", "Q4_K_M");
  for (const char* id : {"deepseek-r1-0528", "deepseek-v3", "deepseek-v3-0324", "deepseek-v3.1"}) {
    CAPTURE(id);
    const vramcalc::Estimate e = testing::run(id, "Q4_K_M");
    CHECK(e.params.total == r1.params.total);
    CHECK(e.total_bytes == r1.total_bytes);
  }
  // Model card: 671B total, 37B activated.
  CHECK(double(r1.params.total) == doctest::Approx(671e9).epsilon(0.01));
  const vramcalc::Estimate q = testing::run("deepseek-r1-0528-qwen3-8b", "Q4_K_M");
  // Hugging Face's safetensors count for deepseek-ai/DeepSeek-R1-0528-Qwen3-8B: 8.19B parameters.
  CHECK(double(q.params.total) == doctest::Approx(8.19e9).epsilon(0.005));
  CHECK(q.arch->arch == "qwen3");
}

TEST_CASE("KTransformers: experts in RAM, a copy per socket with USE_NUMA; its published memory figures") {
  // kvcache-ai/ktransformers DeepseekR1_V3_tutorial.md, DeepseekV3 Q4_K_M: "Single socket: 382G
  // DRAM, at least 14GB VRAM; Dual socket: 1T DRAM".
  const vramcalc::Estimate e = testing::run("deepseek-v3", "Q4_K_M", 4096, "ktransformers");
  vramcalc::PlanRequest p;
  p.gpu = "rtx-4090";
  p.host = "cpu-ddr5-4800-8ch";
  const vramcalc::Plan one = vramcalc::plan(e, p);
  CHECK(one.offload == vramcalc::Offload::experts);
  CHECK(one.cpu_moe_layers == e.arch->n_layer);
  CHECK(double(one.ram_needed_bytes) == doctest::Approx(382e9).epsilon(0.05));
  // The GPU part (attention, shared experts, dense layers, KV) stays under the published minimum
  // of 14 GB: the estimate leaves out PyTorch's own allocations (caching allocator, CUDA graphs).
  CHECK(double(one.devices.at(0).total_bytes) < 14e9);
  p.host_sockets = 2;
  const vramcalc::Plan two = vramcalc::plan(e, p);
  CHECK(two.ram_needed_bytes > one.ram_needed_bytes + 370'000'000'000ull);  // the experts copied to the second socket
  CHECK(double(two.ram_needed_bytes) < 1e12);                               // fits the 1 TB of the dual-socket machine
  CHECK(two.speed.decode_expected_per_sequence > one.speed.decode_expected_per_sequence);
}

TEST_CASE("ik_llama.cpp: -mla 3 keeps only the latent, -mla 1 adds a transposed V; -amb caps the attention scratch") {
  const vramcalc::Estimate mla3 = testing::run("deepseek-r1", "Q4_K_M", 32768, "ik_llama.cpp");
  const vramcalc::Estimate mla1 = testing::run("deepseek-r1", "Q4_K_M", 32768, "ik_llama.cpp-mla1");
  // Per token and layer: 576 f16 values (kv_lora_rank 512 + rope 64), and 512 more with -mla 1.
  CHECK(mla3.kv.bytes_per_token == 61u * 576u * 2u);
  CHECK(mla1.kv.bytes_per_token == 61u * (576u + 512u) * 2u);
  // Without -amb, -mla 1 (no flash attention) would hold K*Q scores of 128 heads x 32768 cells x
  // 512 tokens in F32 = 8 GiB; -amb 512 keeps that part at 512 MiB.
  CHECK(mla1.compute_buffer_bytes < 4ull << 30);
}

TEST_CASE("compare_runtimes: a GGUF format on every llama.cpp-engine runtime, with fit and expected speed") {
  const std::string out = vramcalc::estimate_json(
      R"({"model":"deepseek-r1-distill-qwen-7b","quant":"Q4_K_M","context":8192,"gpu":"rtx-4090","compare_runtimes":true})");
  const nlohmann::json j = nlohmann::json::parse(out);
  REQUIRE(j.contains("compare_runtimes"));
  std::set<std::string> ids;
  for (const nlohmann::json& r : j["compare_runtimes"]) {
    ids.insert(r["runtime"].get<std::string>());
    if (r.contains("error")) continue;
    CHECK(r["total_bytes"].get<uint64_t>() > r["kv_cache_bytes"].get<uint64_t>());
    CHECK(r["fits"].is_boolean());
  }
  CHECK(ids.count("llama.cpp") == 1);
  CHECK(ids.count("ik_llama.cpp") == 1);
  CHECK(ids.count("ollama") == 1);
  CHECK(ids.count("vllm") == 0);  // a GGUF preset: not a vLLM format here
}
