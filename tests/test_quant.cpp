#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "arch.hpp"
#include "catalog.hpp"
#include "quant.hpp"

using namespace vramcalc;

namespace {

// The block sizes in ggml/src/ggml-common.h, written from the structs' fields (QK_K = 256,
// K_SCALE_SIZE = 12, ggml_half = 2 bytes), independently of data/quant_formats.json.
constexpr int QK_K = 256, K_SCALE_SIZE = 12, half = 2;
const std::map<GgmlType, std::pair<int, int>> kGgmlCommon = {
    {GgmlType::Q4_0, {32, half + 32 / 2}},
    {GgmlType::Q4_1, {32, 2 * half + 32 / 2}},
    {GgmlType::Q5_0, {32, half + 4 + 32 / 2}},
    {GgmlType::Q5_1, {32, 2 * half + 4 + 32 / 2}},
    {GgmlType::Q8_0, {32, half + 32}},
    {GgmlType::Q2_K, {QK_K, 2 * half + QK_K / 16 + QK_K / 4}},
    {GgmlType::Q3_K, {QK_K, half + QK_K / 4 + QK_K / 8 + 12}},
    {GgmlType::Q4_K, {QK_K, 2 * half + K_SCALE_SIZE + QK_K / 2}},
    {GgmlType::Q5_K, {QK_K, 2 * half + K_SCALE_SIZE + QK_K / 2 + QK_K / 8}},
    {GgmlType::Q6_K, {QK_K, half + QK_K / 16 + 3 * QK_K / 4}},
    {GgmlType::IQ2_XXS, {QK_K, half + QK_K / 8 * 2}},
    {GgmlType::IQ3_XXS, {QK_K, half + 3 * (QK_K / 8)}},
    {GgmlType::IQ4_NL, {32, half + 32 / 2}},
    {GgmlType::IQ4_XS, {QK_K, half + 2 + QK_K / 64 + QK_K / 2}},
    {GgmlType::IQ1_S, {QK_K, half + QK_K / 8 + QK_K / 16}},
};

std::map<std::string, uint64_t> type_counts(const ModelArch& a, const std::vector<Tensor>& tensors, const char* preset) {
  const Catalog& c = catalog();
  const WeightBytes w = gguf_weight_bytes(a, tensors, *c.find_quant(preset), c.ggml_types, c.gguf_alignment, false);
  std::map<std::string, uint64_t> out;
  for (const WeightPart& p : w.parts()) out[p.label] = p.tensors;
  return out;
}

}  // namespace

TEST_CASE("ggml block sizes in the data match ggml-common.h's structs") {
  const GgmlTypeTable& t = catalog().ggml_types;
  for (const auto& row : kGgmlCommon) {
    const GgmlType type = row.first;
    const std::pair<int, int> expect = row.second;
    CAPTURE(ggml_type_name(type));
    CHECK(t[size_t(type)].block_size == uint32_t(expect.first));
    CHECK(t[size_t(type)].type_size == uint32_t(expect.second));
  }
}

TEST_CASE("Q4_K_M type counts match a real Llama-3.2-3B Q4_K_M file") {
  // Jeffser/Alpaca#891 llama_model_loader dump of Llama-3.2-3B-Instruct Q4_K_M (tied embeddings):
  // "type f32: 58 tensors", "type q4_K: 168 tensors", "type q6_K: 29 tensors".
  const ModelArch a = arch_from_hf_config(nlohmann::json::parse(R"({"architectures": ["LlamaForCausalLM"],
    "hidden_size": 3072, "intermediate_size": 8192, "num_hidden_layers": 28, "num_attention_heads": 24,
    "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 128256, "tie_word_embeddings": true,
    "max_position_embeddings": 131072, "rope_scaling": {"rope_type": "llama3", "factor": 32.0}})"));
  const auto counts = type_counts(a, enumerate_tensors(a, {}), "Q4_K_M");
  CHECK(counts.at("F32") == 58);
  CHECK(counts.at("Q4_K") == 168);
  CHECK(counts.at("Q6_K") == 29);
}

TEST_CASE("Q4_K_M keeps token_embd at Q4_K and lifts ffn_down of layer 0 to Q6_K") {
  // ggml-org/llama.cpp#6745 quantize log of Llama-3-8B: token_embd "converting to q4_K",
  // blk.0.ffn_down "converting to q6_K".
  const Catalog& c = catalog();
  const CatalogModel& m = *c.find_model("deepseek-r1-distill-llama-8b");
  const QuantFormat& q = *c.find_quant("Q4_K_M");
  for (const Tensor& t : m.tensors_split) {
    if (t.role == Role::token_embd) CHECK(gguf_tensor_type(m.arch, q, t, c.ggml_types, 0, 32, false, nullptr) == GgmlType::Q4_K);
    if (t.role == Role::ffn_down && t.layer == 0) CHECK(gguf_tensor_type(m.arch, q, t, c.ggml_types, 0, 32, false, nullptr) == GgmlType::Q6_K);
    if (t.role == Role::output) CHECK(gguf_tensor_type(m.arch, q, t, c.ggml_types, 0, 32, false, nullptr) == GgmlType::Q6_K);
  }
}

TEST_CASE("legacy DeepSeek-R1 GGUFs keep 361 tensors in F32") {
  // ikawrakow/ik_llama.cpp#287 dump of unsloth DeepSeek-R1 (legacy conversion): "type f32: 361 tensors"
  // (61 x 4 norms + output_norm + 58 routers + 58 expert biases).
  const CatalogModel& m = *catalog().find_model("deepseek-r1");
  CHECK(type_counts(m.arch, m.tensors_legacy, "Q4_K_M").at("F32") == 361);
}

TEST_CASE("attn_k_b rows of 128 values fall back from K-quants to 32-value block types") {
  // llama_tensor_get_type: "Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0" when ne[0] % 256 != 0.
  const Catalog& c = catalog();
  const CatalogModel& m = *c.find_model("deepseek-r1");
  const Tensor* kb = nullptr;
  for (const Tensor& t : m.tensors_split) {
    if (t.role == Role::attn_k_b) { kb = &t; break; }
  }
  REQUIRE(kb != nullptr);
  CHECK(kb->ne0 == 128);
  bool fell = false;
  CHECK(gguf_tensor_type(m.arch, *c.find_quant("Q4_K_M"), *kb, c.ggml_types, 0, 0, false, &fell) == GgmlType::Q5_0);
  CHECK(fell);
  CHECK(gguf_tensor_type(m.arch, *c.find_quant("Q6_K"), *kb, c.ggml_types, 0, 0, false, &fell) == GgmlType::Q8_0);
  CHECK(gguf_tensor_type(m.arch, *c.find_quant("Q4_0"), *kb, c.ggml_types, 0, 0, false, &fell) == GgmlType::Q4_0);
  CHECK_FALSE(fell);
}

TEST_CASE("block-scaled FP8 adds one fp32 scale per 128x128 block") {
  const Catalog& c = catalog();
  const CatalogModel& m = *c.find_model("deepseek-r1");
  const WeightBytes w = gpu_weight_bytes(m.tensors_legacy, *c.find_quant("FP8-block"));
  uint64_t linear = 0, scales = 0;
  for (const WeightPart& p : w.parts()) {
    if (std::string(p.label) == "weight matrices") linear = p.bytes;
    if (std::string(p.label) == "scales and zero points") scales = p.bytes;
  }
  CHECK(scales > 0);
  // 4 bytes per 16384 weights: within rounding of whole blocks, 1/4096 of the FP8 bytes.
  CHECK(double(scales) / double(linear) == doctest::Approx(4.0 / 16384.0).epsilon(0.02));
}
