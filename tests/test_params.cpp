#include <doctest/doctest.h>

#include <cmath>

#include "catalog.hpp"
#include "tensors.hpp"

using namespace vramcalc;

namespace {
ParamCounts params_of(const char* id) {
  const CatalogModel* m = catalog().find_model(id);
  REQUIRE(m != nullptr);
  return count_params(m->arch, m->tensors_legacy);
}
}  // namespace

TEST_CASE("distill parameter counts match the published counts exactly") {
  // Hugging Face safetensors totals of deepseek-ai/DeepSeek-R1-Distill-Llama-8B and -Qwen-32B.
  CHECK(params_of("deepseek-r1-distill-llama-8b").total == 8'030'261'248ull);
  CHECK(params_of("deepseek-r1-distill-qwen-32b").total == 32'763'876'352ull);
}

TEST_CASE("every catalog model matches llama.cpp's printed parameter count to two decimals") {
  // llama-bench "params" column for the Ollama deepseek-r1 GGUFs (repo eliranwong/AMD_iGPU_AI_Setup,
  // speed_test/llamacpp_*.md) and unsloth/DeepSeek-R1-GGUF (repo lhl/strix-halo-testing,
  // rpc-test/README.md): "qwen2 1.5B Q4_K - Medium | 1.04 GiB | 1.78 B", "deepseek2 671B ... | 671.03 B".
  struct Row { const char* id; double billions; };
  const Row rows[] = {{"deepseek-r1-distill-qwen-1.5b", 1.78}, {"deepseek-r1-distill-qwen-7b", 7.62},
                      {"deepseek-r1-distill-llama-8b", 8.03}, {"deepseek-r1-distill-qwen-14b", 14.77},
                      {"deepseek-r1-distill-qwen-32b", 32.76}, {"deepseek-r1-distill-llama-70b", 70.55},
                      {"deepseek-r1", 671.03}, {"deepseek-r1-zero", 671.03}};
  for (const Row& r : rows) {
    CAPTURE(r.id);
    const double b = double(params_of(r.id).total) / 1e9;
    CHECK(std::fabs(b - r.billions) <= 0.005);
  }
}

TEST_CASE("DeepSeek-R1 activates about 37B parameters per token, not 671B") {
  // Model card: "#Activated Params 37B"; the exact figure from the architecture is about 37.55B
  // (8 of 256 routed experts plus the shared expert in 58 MoE layers, all attention and embeddings).
  const ParamCounts p = params_of("deepseek-r1");
  CHECK(double(p.active) / 1e9 == doctest::Approx(37.0).epsilon(0.02));
  CHECK(p.active < p.total / 17);
}

TEST_CASE("dense models activate every parameter") {
  const ParamCounts p = params_of("deepseek-r1-distill-qwen-14b");
  CHECK(p.active == p.total);
}

TEST_CASE("the MTP module is counted apart from the 671B, and with it the checkpoint holds about 685B") {
  // deepseek-ai/DeepSeek-V3 README_WEIGHTS.md: "685B, which includes 671B of the Main Model weights
  // and 14B of the Multi-Token Prediction (MTP) Module weights".
  const CatalogModel* m = catalog().find_model("deepseek-r1");
  const uint64_t mtp = mtp_params(m->arch);
  const uint64_t total = params_of("deepseek-r1").total;
  CHECK(double(mtp) / 1e9 == doctest::Approx(14.0).epsilon(0.05));
  CHECK(double(total + mtp) / 1e9 == doctest::Approx(685.0).epsilon(0.005));
}

TEST_CASE("the GGUF layouts of DeepSeek-R1 have the tensor counts llama.cpp reports") {
  // ollama/ollama#8930 (legacy conversion): "loaded meta data with 42 key-value pairs and 1025 tensors";
  // ikawrakow/ik_llama.cpp#394 (split attn_k_b/attn_v_b): "... and 1086 tensors".
  const CatalogModel* m = catalog().find_model("deepseek-r1");
  CHECK(m->tensors_legacy.size() == 1025);
  CHECK(m->tensors_split.size() == 1086);
  CHECK(count_params(m->arch, m->tensors_split).total == count_params(m->arch, m->tensors_legacy).total);
}
