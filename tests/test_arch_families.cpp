// The architecture families beyond the R1 family: parameter counts from each config.json against
// the counts their publishers and llama.cpp print, GGUF model sizes against llama-bench's "size"
// column, and the layout details (sliding-window layers, fused projections, vision towers).
#include <doctest/doctest.h>

#include <cmath>
#include <deque>

#include <nlohmann/json.hpp>

#include "arch.hpp"
#include "catalog.hpp"
#include "checkpoint_quant.hpp"
#include "estimate.hpp"
#include "helpers.hpp"
#include "tensors.hpp"

using nlohmann::json;
using namespace vramcalc;

namespace {

ParamCounts params_of(const json& cfg) {
  const ModelArch a = arch_from_hf_config(cfg);
  return count_params(a, enumerate_tensors(a, TensorLayout{}));
}

double billions(uint64_t n) { return double(n) / 1e9; }

// An estimate of a pasted config. The estimate points into its request, so requests are kept.
Estimate estimate_of(const ModelArch& a, const std::string& quant, uint64_t context = 4096,
                     const std::string& runtime = "llama.cpp", uint64_t sequences = 1) {
  static std::deque<EstimateRequest> requests;
  EstimateRequest& r = requests.emplace_back();
  r.custom = a;
  r.quant = quant;
  r.context = context;
  r.runtime = runtime;
  r.sequences = sequences;
  return estimate(r);
}

// Hugging Face config.json files (fields the estimate reads, as published in each repository).
json gemma2_9b() {  // google/gemma-2-9b
  return json::parse(R"({"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_size": 3584,
    "intermediate_size": 14336, "num_hidden_layers": 42, "num_attention_heads": 16, "num_key_value_heads": 8,
    "head_dim": 256, "vocab_size": 256000, "max_position_embeddings": 8192, "sliding_window": 4096,
    "query_pre_attn_scalar": 256, "torch_dtype": "float32"})");
}
json gemma2_27b() {  // google/gemma-2-27b
  return json::parse(R"({"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_size": 4608,
    "intermediate_size": 36864, "num_hidden_layers": 46, "num_attention_heads": 32, "num_key_value_heads": 16,
    "head_dim": 128, "vocab_size": 256000, "max_position_embeddings": 8192, "sliding_window": 4096,
    "query_pre_attn_scalar": 144, "torch_dtype": "float32"})");
}
json gemma3_vision() {  // vision_config of google/gemma-3-4b-it, -12b-it and -27b-it
  return json::parse(R"({"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304,
    "model_type": "siglip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14,
    "vision_use_head": false})");
}
json gemma3_27b() {  // google/gemma-3-27b-it
  json c = json::parse(R"({"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
    "text_config": {"head_dim": 128, "hidden_size": 5376, "intermediate_size": 21504, "model_type": "gemma3_text",
      "num_attention_heads": 32, "num_hidden_layers": 62, "num_key_value_heads": 16, "query_pre_attn_scalar": 168,
      "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024},
    "mm_tokens_per_image": 256, "torch_dtype": "bfloat16"})");
  c["vision_config"] = gemma3_vision();
  return c;
}
json gemma3_4b() {  // google/gemma-3-4b-it: the text_config leaves heads and vocabulary to the defaults
  json c = json::parse(R"({"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
    "text_config": {"hidden_size": 2560, "intermediate_size": 10240, "model_type": "gemma3_text",
      "num_hidden_layers": 34, "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024},
    "mm_tokens_per_image": 256, "torch_dtype": "bfloat16"})");
  c["vision_config"] = gemma3_vision();
  return c;
}
json gemma3_1b() {  // google/gemma-3-1b-it (text only)
  return json::parse(R"({"architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text", "hidden_size": 1152,
    "intermediate_size": 6912, "num_hidden_layers": 26, "num_attention_heads": 4, "num_key_value_heads": 1,
    "head_dim": 256, "vocab_size": 262144, "max_position_embeddings": 32768, "sliding_window": 512,
    "sliding_window_pattern": 6, "torch_dtype": "bfloat16"})");
}
json gpt_oss(uint32_t layers, uint32_t experts) {  // openai/gpt-oss-20b (24 layers, 32 experts), -120b (36, 128)
  json c = json::parse(R"({"architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss", "hidden_size": 2880,
    "intermediate_size": 2880, "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64,
    "num_experts_per_tok": 4, "experts_per_token": 4, "vocab_size": 201088, "sliding_window": 128,
    "max_position_embeddings": 131072, "tie_word_embeddings": false, "attention_bias": true,
    "torch_dtype": "bfloat16", "quantization_config": {"modules_to_not_convert": ["model.layers.*.self_attn",
    "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"], "quant_method": "mxfp4"}})");
  c["num_hidden_layers"] = layers;
  c["num_local_experts"] = experts;
  json types = json::array();
  for (uint32_t i = 0; i < layers; ++i) types.push_back(i % 2 ? "full_attention" : "sliding_attention");
  c["layer_types"] = types;
  return c;
}
json phi3_mini_4k() {  // microsoft/Phi-3-mini-4k-instruct
  return json::parse(R"({"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": 3072,
    "intermediate_size": 8192, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
    "vocab_size": 32064, "max_position_embeddings": 4096, "sliding_window": 2047, "rope_scaling": null,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
}
json phi4() {  // microsoft/phi-4
  return json::parse(R"({"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": 5120,
    "intermediate_size": 17920, "num_hidden_layers": 40, "num_attention_heads": 40, "num_key_value_heads": 10,
    "vocab_size": 100352, "max_position_embeddings": 16384, "rope_scaling": null, "sliding_window": null,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
}
json llama4(uint32_t experts, uint32_t step) {  // meta-llama/Llama-4-Scout-17B-16E (16, 1), -Maverick-17B-128E (128, 2)
  json c = json::parse(R"({"architectures": ["Llama4ForConditionalGeneration"], "model_type": "llama4",
    "text_config": {"model_type": "llama4_text", "hidden_size": 5120, "intermediate_size": 8192,
      "intermediate_size_mlp": 16384, "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8,
      "head_dim": 128, "num_experts_per_tok": 1, "vocab_size": 202048, "max_position_embeddings": 10485760,
      "attention_chunk_size": 8192, "use_qk_norm": true, "tie_word_embeddings": false},
    "vision_config": {"model_type": "llama4_vision_model", "hidden_size": 1408, "intermediate_size": 5632,
      "num_hidden_layers": 34, "num_attention_heads": 16, "image_size": 336, "patch_size": 14, "num_channels": 3,
      "projector_input_dim": 4096, "projector_output_dim": 4096, "vision_output_dim": 4096, "pixel_shuffle_ratio": 0.5},
    "torch_dtype": "bfloat16"})");
  c["text_config"]["num_local_experts"] = experts;
  c["text_config"]["interleave_moe_layer_step"] = step;
  return c;
}
json glm45() {  // zai-org/GLM-4.5
  return json::parse(R"({"architectures": ["Glm4MoeForCausalLM"], "model_type": "glm4_moe", "hidden_size": 5120,
    "intermediate_size": 12288, "moe_intermediate_size": 1536, "num_hidden_layers": 92, "num_attention_heads": 96,
    "num_key_value_heads": 8, "head_dim": 128, "n_routed_experts": 160, "n_shared_experts": 1,
    "num_experts_per_tok": 8, "first_k_dense_replace": 3, "vocab_size": 151552, "max_position_embeddings": 131072,
    "attention_bias": true, "use_qk_norm": true, "num_nextn_predict_layers": 1, "partial_rotary_factor": 0.5,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
}
json glm45_air() {  // zai-org/GLM-4.5-Air
  return json::parse(R"({"architectures": ["Glm4MoeForCausalLM"], "model_type": "glm4_moe", "hidden_size": 4096,
    "intermediate_size": 10944, "moe_intermediate_size": 1408, "num_hidden_layers": 46, "num_attention_heads": 96,
    "num_key_value_heads": 8, "head_dim": 128, "n_routed_experts": 128, "n_shared_experts": 1,
    "num_experts_per_tok": 8, "first_k_dense_replace": 1, "vocab_size": 151552, "max_position_embeddings": 131072,
    "attention_bias": true, "use_qk_norm": false, "num_nextn_predict_layers": 1, "partial_rotary_factor": 0.5,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
}
json kimi_k2() {  // moonshotai/Kimi-K2-Instruct
  return json::parse(R"({"architectures": ["DeepseekV3ForCausalLM"], "model_type": "kimi_k2", "hidden_size": 7168,
    "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 64,
    "num_key_value_heads": 64, "n_routed_experts": 384, "n_shared_experts": 1, "num_experts_per_tok": 8,
    "first_k_dense_replace": 1, "moe_layer_freq": 1, "q_lora_rank": 1536, "kv_lora_rank": 512,
    "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "vocab_size": 163840,
    "max_position_embeddings": 131072, "num_nextn_predict_layers": 0, "topk_method": "noaux_tc",
    "tie_word_embeddings": false, "torch_dtype": "bfloat16",
    "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
      "weight_block_size": [128, 128]}})");
}
json deepseek_v32() {  // deepseek-ai/DeepSeek-V3.2-Exp: DeepSeek-V3's layout plus the indexer fields
  return json::parse(R"({"architectures": ["DeepseekV32ForCausalLM"], "model_type": "deepseek_v32", "vocab_size": 129280,
    "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61,
    "num_nextn_predict_layers": 1, "num_attention_heads": 128, "num_key_value_heads": 128, "n_shared_experts": 1,
    "n_routed_experts": 256, "num_experts_per_tok": 8, "first_k_dense_replace": 3, "moe_layer_freq": 1,
    "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128,
    "max_position_embeddings": 163840, "topk_method": "noaux_tc", "index_head_dim": 128, "index_n_heads": 64,
    "index_topk": 2048, "torch_dtype": "bfloat16",
    "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
      "weight_block_size": [128, 128]}})");
}
json mistral_small_24b() {  // mistralai/Mistral-Small-24B-Base-2501
  return json::parse(R"({"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": 5120,
    "intermediate_size": 32768, "num_hidden_layers": 40, "num_attention_heads": 32, "num_key_value_heads": 8,
    "head_dim": 128, "vocab_size": 131072, "max_position_embeddings": 32768, "sliding_window": null,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
}
json mistral_nemo() {  // mistralai/Mistral-Nemo-Base-2407
  return json::parse(R"({"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": 5120,
    "intermediate_size": 14336, "num_hidden_layers": 40, "num_attention_heads": 32, "num_key_value_heads": 8,
    "head_dim": 128, "vocab_size": 131072, "max_position_embeddings": 1024000, "sliding_window": null,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
}

}  // namespace

TEST_CASE("parameter counts of today's open architectures match their published counts") {
  struct Row { const char* name; json cfg; double published_b; double tolerance_b; const char* source; };
  const Row rows[] = {
      {"gemma-2-9b", gemma2_9b(), 9.24, 0.005, "Hugging Face google/gemma-2-9b: 9.24B params (safetensors)"},
      {"gemma-2-27b", gemma2_27b(), 27.2, 0.05, "Hugging Face google/gemma-2-27b: 27.2B params (safetensors)"},
      {"gemma-3-1b-it", gemma3_1b(), 1.0, 0.005, "Hugging Face google/gemma-3-1b-it: 1,000M params (safetensors)"},
      {"gemma-3-27b-it text", gemma3_27b(), 27.01, 0.005,
       "llama-bench 'gemma3 27B Q4_K - Medium | 15.40 GiB | 27.01 B' (text GGUF, no vision tower)"},
      {"gpt-oss-20b", gpt_oss(24, 32), 20.91, 0.005,
       "llama-bench 'gpt-oss 20B MXFP4 MoE | 11.27 GiB | 20.91 B'; OpenAI gpt-oss model card: 20.9B total"},
      {"gpt-oss-120b", gpt_oss(36, 128), 116.83, 0.005,
       "llama-bench 'gpt-oss 120B MXFP4 MoE | 59.02 GiB | 116.83 B'; OpenAI gpt-oss model card: 116.8B total"},
      {"Phi-3-mini-4k", phi3_mini_4k(), 3.82, 0.005, "Hugging Face microsoft/Phi-3-mini-4k-instruct: 3.82B params"},
      {"phi-4", phi4(), 14.66, 0.005, "llama-bench 'phi3 14B Q4_K - Medium | 8.43 GiB | 14.66 B' (microsoft/phi-4)"},
      {"Llama-4-Scout text", llama4(16, 1), 107.77, 0.005,
       "llama-bench 'llama4 17Bx16E (Scout) Q4_K - Medium | 60.86 GiB | 107.77 B' (text GGUF)"},
      {"Llama-4-Maverick text", llama4(128, 2), 400.0, 4.0, "Meta Llama 4 model card: Maverick 400B total (17B active)"},
      {"GLM-4.5", glm45(), 355.0, 3.5, "zai-org/GLM-4.5 model card: 355 billion total parameters"},
      {"GLM-4.5-Air", glm45_air(), 106.0, 1.0, "zai-org/GLM-4.5 model card: GLM-4.5-Air 106 billion total"},
      {"Kimi-K2", kimi_k2(), 1026.0, 10.0, "moonshotai/Kimi-K2-Instruct model card: 1T total parameters (1.04T listed)"},
      {"Mistral-Small-24B", mistral_small_24b(), 23.57, 0.005,
       "llama-bench 'llama 13B Q4_K - Medium | 13.34 GiB | 23.57 B' (Mistral-Small-24B, 40 layers)"},
      {"Mistral-Nemo-12B", mistral_nemo(), 12.2, 0.05, "Hugging Face mistralai/Mistral-Nemo-Base-2407: 12.2B params"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    CAPTURE(r.source);
    const double b = billions(params_of(r.cfg).total);
    MESSAGE(std::string(r.name) << ": " << b << "B computed, " << r.published_b << "B published");
    CHECK(std::fabs(b - r.published_b) <= r.tolerance_b);
  }
}

TEST_CASE("exact parameter counts where the publisher lists them to the parameter") {
  // Hugging Face safetensors metadata totals ("Model size" on each model page).
  CHECK(params_of(gemma2_9b()).total == 9'241'705'984ull);    // google/gemma-2-9b
  CHECK(params_of(gemma3_1b()).total == 999'885'952ull);      // google/gemma-3-1b-it
  CHECK(params_of(phi3_mini_4k()).total == 3'821'079'552ull); // microsoft/Phi-3-mini-4k-instruct
  // Multimodal checkpoints: the text model plus the vision tower and projector.
  const ModelArch g27 = arch_from_hf_config(gemma3_27b());
  CHECK(count_params(g27, enumerate_tensors(g27, {})).total + g27.params_vision == 27'432'406'640ull);  // gemma-3-27b-it
  const ModelArch g4 = arch_from_hf_config(gemma3_4b());
  CHECK(count_params(g4, enumerate_tensors(g4, {})).total + g4.params_vision == 4'300'079'472ull);  // gemma-3-4b-it
  const ModelArch scout = arch_from_hf_config(llama4(16, 1));
  // meta-llama/Llama-4-Scout-17B-16E-Instruct: 109B listed, 108,641,793,536 in the safetensors index.
  CHECK(count_params(scout, enumerate_tensors(scout, {})).total + scout.params_vision == 108'641'793'536ull);
}

TEST_CASE("active parameters per token follow the publishers' conventions") {
  // OpenAI gpt-oss model card, Table 1: active parameters exclude the embedding (the unembedding
  // counts): 3.61B for gpt-oss-20b, 5.13B for gpt-oss-120b.
  struct Oss { uint32_t layers, experts; double value; };
  for (const Oss r : {Oss{24, 32, 3.61}, Oss{36, 128, 5.13}}) {
    const ModelArch a = arch_from_hf_config(gpt_oss(r.layers, r.experts));
    const ParamCounts p = count_params(a, enumerate_tensors(a, {}));
    CAPTURE(r.experts);
    CHECK(std::fabs(billions(p.active - uint64_t(a.n_vocab) * a.n_embd) - r.value) <= 0.005);
  }
  // Llama 4 model card: 17B active for Scout and Maverick (one routed expert plus the shared one).
  for (uint32_t e : {16u, 128u}) {
    const ParamCounts p = params_of(llama4(e, e == 16 ? 1 : 2));
    CAPTURE(e);
    CHECK(std::fabs(billions(p.active) - 17.0) <= 0.5);
  }
  // GLM-4.5 model card: 32B active (12B for Air), counted without the embedding and output head.
  struct Glm { json cfg; double value; };
  for (const Glm& r : {Glm{glm45(), 32.0}, Glm{glm45_air(), 12.0}}) {
    const ModelArch a = arch_from_hf_config(r.cfg);
    const ParamCounts p = count_params(a, enumerate_tensors(a, {}));
    CAPTURE(r.value);
    CHECK(std::fabs(billions(p.active - 2ull * a.n_vocab * a.n_embd) - r.value) / r.value <= 0.03);
  }
  // Kimi K2 model card: 32B activated.
  CHECK(std::fabs(billions(params_of(kimi_k2()).active) - 32.0) <= 1.0);
}

TEST_CASE("published GGUF model sizes: the tensors llama-bench sums, to its two decimals") {
  // llama-bench's size column is the tensors' bytes in GiB (model size), printed to 0.01 GiB.
  struct Row { const char* name; json cfg; const char* quant; double gib; const char* source; };
  const Row rows[] = {
      {"gpt-oss-20b", gpt_oss(24, 32), "MXFP4_MOE", 11.27, "llama-bench 'gpt-oss 20B MXFP4 MoE | 11.27 GiB | 20.91 B'"},
      {"gpt-oss-20b F16", gpt_oss(24, 32), "F16", 12.83, "llama-bench 'GPT-OSS 20B F16 | 12.83 GiB | 20.91 B'"},
      {"gpt-oss-120b", gpt_oss(36, 128), "MXFP4_MOE", 59.02, "llama-bench 'gpt-oss 120B MXFP4 MoE | 59.02 GiB | 116.83 B'"},
      {"phi-4", phi4(), "Q4_K_M", 8.43, "llama-bench 'phi3 14B Q4_K - Medium | 8.43 GiB | 14.66 B'"},
      {"Mistral-Small-24B", mistral_small_24b(), "Q4_K_M", 13.34, "llama-bench 'llama 13B Q4_K - Medium | 13.34 GiB | 23.57 B'"},
      {"gemma-3-27b", gemma3_27b(), "Q4_K_M", 15.40, "llama-bench 'gemma3 27B Q4_K - Medium | 15.40 GiB | 27.01 B'"},
      {"Llama-4-Scout", llama4(16, 1), "Q4_K_M", 60.86,
       "llama-bench 'llama4 17Bx16E (Scout) Q4_K - Medium | 60.86 GiB | 107.77 B'"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    CAPTURE(r.source);
    const Estimate e = estimate_of(arch_from_hf_config(r.cfg), r.quant);
    const double gib = double(e.weights.bytes) / testing::kGiB;
    MESSAGE(std::string(r.name) << " " << std::string(r.quant) << ": " << gib << " GiB computed, " << r.gib << " GiB published");
    CHECK(std::fabs(gib - r.gib) <= 0.006);  // the printed rounding plus 1 MiB
  }
}

TEST_CASE("gpt-oss ships its experts in MXFP4: 17 bytes per 32 values, the rest in BF16") {
  // OpenAI gpt-oss model card: checkpoints of 12.8 GiB (20b) and 60.8 GiB (120b).
  struct Oss { uint32_t layers, experts; double value; };
  for (const Oss r : {Oss{24, 32, 12.8}, Oss{36, 128, 60.8}}) {
    const ModelArch a = arch_from_hf_config(gpt_oss(r.layers, r.experts));
    CHECK(a.checkpoint.method == "mxfp4");
    CHECK(a.checkpoint.experts_only);
    const Estimate e = estimate_of(a, "checkpoint", 4096, "vllm");
    CAPTURE(r.experts);
    CHECK(std::fabs(double(e.weights.bytes) / testing::kGiB - r.value) <= 0.05);
  }
}

TEST_CASE("sliding-window layers: which layers, and the window") {
  const ModelArch g2 = arch_from_hf_config(gemma2_9b());
  CHECK(g2.sliding_window == 4096);
  CHECK(g2.n_layer_swa == 21);  // every other layer, layer 0 sliding
  CHECK(g2.is_swa_layer(0));
  CHECK_FALSE(g2.is_swa_layer(1));
  CHECK(g2.tied_embeddings);  // Gemma2Config default: tie_word_embeddings true
  CHECK(g2.n_embd_head_k == 256);  // head_dim, not 3584 / 16

  const ModelArch g3 = arch_from_hf_config(gemma3_27b());
  CHECK(g3.arch == "gemma3");
  CHECK(g3.sliding_window == 1024);
  CHECK(g3.n_layer_swa == 52);  // five sliding layers per full one: layers 5, 11, ..., 59 are full
  CHECK_FALSE(g3.is_swa_layer(5));
  CHECK(g3.is_swa_layer(6));
  CHECK(g3.n_vocab == 262208);
  CHECK(g3.n_ctx_train == 131072);

  const ModelArch oss = arch_from_hf_config(gpt_oss(24, 32));
  CHECK(oss.sliding_window == 128);
  CHECK(oss.n_layer_swa == 12);

  const ModelArch scout = arch_from_hf_config(llama4(16, 1));
  CHECK(scout.swa_kind == SwaKind::chunked);
  CHECK(scout.sliding_window == 8192);
  CHECK(scout.n_layer_swa == 36);  // three chunked layers per full (NoPE) one
  CHECK(scout.is_moe_layer(0));
  const ModelArch maverick = arch_from_hf_config(llama4(128, 2));
  CHECK_FALSE(maverick.is_moe_layer(0));  // (il + 1) % 2 == 0: odd layers are MoE
  CHECK(maverick.is_moe_layer(1));

  const ModelArch phi = arch_from_hf_config(phi3_mini_4k());
  CHECK(phi.sliding_window == 2047);
  CHECK(phi.swa_disabled_llama_cpp);
}

TEST_CASE("KV cache of sliding-window layers is capped as each runtime caps it") {
  const ModelArch g3 = arch_from_hf_config(gemma3_27b());
  const uint64_t row = 2ull * 16 * 128 * 2;  // K and V, 16 KV heads of 128, f16
  // llama.cpp (llama-kv-cache-iswa.cpp): full layers get n_ctx cells, sliding layers
  // pad(n_swa + n_ubatch, 256) = pad(1024 + 512) = 1536.
  const Estimate l = estimate_of(g3, "Q4_K_M", 32768);
  CHECK(l.kv.cells == 32768);
  CHECK(l.kv.cells_swa == 1536);
  CHECK(l.kv.bytes == row * (10 * 32768 + 52 * 1536));
  // vLLM: window - 1 + max_num_batched_tokens (2048) tokens, in 16-token blocks, plus one block.
  const Estimate v = estimate_of(g3, "BF16", 32768, "vllm");
  CHECK(v.kv.cells_swa == ((1024 - 1 + 2048 + 15) / 16 + 1) * 16);
  // SGLang: the sliding pool holds swa_full_tokens_ratio (0.8) of the full pool's tokens.
  const Estimate s = estimate_of(g3, "BF16", 32768, "sglang");
  CHECK(s.kv.cells_swa == uint64_t(std::ceil(32768 * 0.8)));
  // A published llama.cpp log of gpt-oss-20b at -c 131072 (24 layers of 8 KV heads x 64):
  // "llama_kv_cache: size = 3072.00 MiB (131072 cells, 12 layers, 1/1 seqs)" and
  // "creating SWA KV cache, size = 768 cells" ... "size = 18.00 MiB (768 cells, 12 layers, 1/1 seqs)".
  const Estimate oss = estimate_of(arch_from_hf_config(gpt_oss(24, 32)), "MXFP4_MOE", 131072);
  CHECK(oss.kv.cells_swa == 768);
  CHECK(double(oss.kv.bytes) / testing::kMiB == doctest::Approx(3072.0 + 18.0).epsilon(1e-9));
  // Phi-3's window is ignored by llama.cpp: every layer caches the whole context.
  const ModelArch phi = arch_from_hf_config(phi3_mini_4k());
  const Estimate p = estimate_of(phi, "Q4_K_M", 4096);
  CHECK(p.kv.bytes == uint64_t(32) * 4096 * 2 * 3072 * 2);
  // A short context is never padded past itself.
  const Estimate shortctx = estimate_of(g3, "Q4_K_M", 512);
  CHECK(shortctx.kv.cells_swa == shortctx.kv.cells);
}

TEST_CASE("DeepSeek-V3.2 counts its indexer: weights per layer and a key cache beside the MLA latent") {
  const ModelArch a = arch_from_hf_config(deepseek_v32());
  CHECK(a.index_n_heads == 64);
  CHECK(a.index_head_dim == 128);
  const ParamCounts p = count_params(a, enumerate_tensors(a, {}));
  // deepseek-ai/DeepSeek-V3.2-Exp: 685B in the checkpoint, with the MTP module (as for V3).
  CHECK(std::fabs(billions(p.total + mtp_params(a)) - 685.0) <= 3.5);
  // 61 layers x (wq_b 1536 x 8192 + wk 7168 x 128 + k_norm 2 x 128 + weights_proj 7168 x 64) beyond V3.
  const ModelArch v3 = catalog().find_model("deepseek-r1")->arch;
  CHECK(p.total - count_params(v3, enumerate_tensors(v3, {})).total == 61ull * (1536 * 8192 + 7168 * 128 + 256 + 7168 * 64));
  // Indexer keys: 128 FP8 values and one float32 scale per token per layer (DeepSeek-V3.2-Exp
  // inference/model.py k_cache / k_scale_cache), beside the 576-value latent.
  const Estimate e = estimate_of(a, "Q4_K_M", 32768);
  CHECK(e.kv.indexer_bytes == 61ull * 32768 * 132);
  CHECK(e.kv.k_bytes == 61ull * 32768 * 576 * 2);
}

TEST_CASE("quantization_config gives a quantized checkpoint's format by default") {
  // Kimi K2 ships FP8 with 128x128 block scales, like DeepSeek-V3: the same bytes as FP8-block.
  const ModelArch k2 = arch_from_hf_config(kimi_k2());
  CHECK(k2.checkpoint.method == "fp8");
  CHECK(k2.checkpoint.block_rows == 128);
  CHECK(estimate_of(k2, "checkpoint", 4096, "vllm").weights.bytes == estimate_of(k2, "FP8-block", 4096, "vllm").weights.bytes);
  // The API picks it when no format is asked for.
  json req = {{"config", kimi_k2()}, {"runtime", "vllm"}};
  const json out = estimate_json_value(req);
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["quant"]["name"] == "checkpoint");

  // AWQ 4-bit, group 128 with zero points: the bytes of the catalogue's INT4 format.
  json awq = mistral_nemo();
  awq["quantization_config"] = {{"quant_method", "awq"}, {"bits", 4}, {"group_size", 128}, {"zero_point", true}, {"version", "gemm"}};
  const ModelArch aw = arch_from_hf_config(awq);
  CHECK(estimate_of(aw, "checkpoint", 4096, "vllm").weights.bytes == estimate_of(aw, "INT4", 4096, "vllm").weights.bytes);

  // compressed-tensors int4, group 32, symmetric, attention left out (Kimi K2 Thinking's scheme):
  // only the routed experts shrink.
  json ct = kimi_k2();
  ct["quantization_config"] = json::parse(R"({"quant_method": "compressed-tensors", "format": "pack-quantized",
    "config_groups": {"group_0": {"targets": ["Linear"], "weights": {"num_bits": 4, "type": "int",
    "symmetric": true, "strategy": "group", "group_size": 32}}},
    "ignore": ["lm_head", "re:.*self_attn.*", "re:.*shared_experts.*", "re:.*mlp\\.(gate|up|gate_up|down)_proj.*"]})");
  const ModelArch k2t = arch_from_hf_config(ct);
  CHECK(k2t.checkpoint.bits == 4);
  CHECK(k2t.checkpoint.group_size == 32);
  CHECK(k2t.checkpoint.experts_only);
  const Estimate t = estimate_of(k2t, "checkpoint", 4096, "vllm");
  const ParamCounts p = count_params(k2t, enumerate_tensors(k2t, {}));
  uint64_t routed = 0;
  for (const Tensor& x : enumerate_tensors(k2t, {})) routed += role_is_routed_expert(x.role) ? x.numel() : 0;
  // 4-bit values and a 2-byte scale per 32 for the routed experts, 2 bytes for everything else.
  CHECK(t.weights.bytes == routed / 2 + routed / 32 * 2 + (p.total - routed) * 2);

  // A malformed block names its field.
  json bad = mistral_nemo();
  bad["quantization_config"] = {{"quant_method", "fp8"}, {"weight_block_size", {128}}};
  const json err = testing::error_of({{"config", bad}});
  CHECK(err["field"] == "quantization_config.weight_block_size");
  bad["quantization_config"] = {{"quant_method", "hqq"}};
  CHECK(testing::error_of({{"config", bad}})["field"] == "quantization_config.quant_method");
}

TEST_CASE("fused projections and vision towers") {
  // Phi-3: one attn_qkv and an ffn_up of 2 x n_ff rows, as convert_hf_to_gguf.py writes them.
  const ModelArch phi = arch_from_hf_config(phi3_mini_4k());
  const std::vector<Tensor> t = enumerate_tensors(phi, {});
  bool qkv = false, split_q = false;
  for (const Tensor& x : t) {
    if (x.role == Role::attn_qkv) { qkv = true; CHECK(x.ne1 == 3 * 3072); }
    if (x.role == Role::attn_q) split_q = true;
    if (x.role == Role::ffn_up) CHECK(x.ne1 == 2 * 8192);
    CHECK(x.role != Role::ffn_gate);
  }
  CHECK(qkv);
  CHECK_FALSE(split_q);
  // Gemma 3's vision tower is counted apart, loaded by GPU runtimes and not by llama.cpp.
  const ModelArch g3 = arch_from_hf_config(gemma3_27b());
  CHECK(g3.params_vision == 423'060'336ull);
  const Estimate on_vllm = estimate_of(g3, "BF16", 4096, "vllm");
  const Estimate on_llama = estimate_of(g3, "BF16", 4096, "llama.cpp");
  CHECK(on_vllm.weights.bytes - on_llama.weights.bytes == 2 * g3.params_vision);
}
