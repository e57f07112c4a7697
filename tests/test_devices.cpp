// The device catalogue against the vendors' published figures and macOS's GPU memory limit, and
// the R1 family's newer members against their model cards.
#include <doctest/doctest.h>

#include <string>

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
