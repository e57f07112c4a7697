#include "arch_families.hpp"

#include <nlohmann/json.hpp>

#include "config_read.hpp"

namespace vramcalc::detail {

using nlohmann::json;
using namespace vramcalc::config;

namespace {

// Grouped-query attention: KV heads from num_key_value_heads; the head size from head_dim when the
// config has it (Gemma, gpt-oss, Mistral-Nemo: independent of hidden_size), else hidden / heads.
void read_gqa(const json& cfg, ModelArch& a) {
  a.attention = a.n_head_kv == a.n_head ? AttentionKind::MHA : AttentionKind::GQA;
  if (has(cfg, "head_dim")) {
    a.n_embd_head_k = read_u32(cfg, "head_dim", 1, kMaxWidth);
  } else {
    if (a.n_embd % a.n_head != 0) {
      bad_field("num_attention_heads", "must divide hidden_size (" + std::to_string(a.n_embd) + ") when head_dim is absent",
                &cfg["num_attention_heads"]);
    }
    a.n_embd_head_k = a.n_embd / a.n_head;
  }
  a.n_embd_head_v = a.n_embd_head_k;
}

// The layers that attend within a window. layer_types (newer transformers configs) lists them;
// otherwise every period-th layer is full and the others slide (Gemma 2: period 2, layer 0 slides;
// Gemma 3: 6; Llama 4: 4), as llama.cpp's set_swa_pattern(period) lays them out. period 0: all slide.
void set_swa(const json& cfg, ModelArch& a, uint32_t window, SwaKind kind, uint32_t period) {
  a.swa_layers.assign(a.n_layer, false);
  auto lt = cfg.find("layer_types");
  if (lt != cfg.end() && lt->is_array()) {
    if (lt->size() < a.n_layer) {
      bad_field("layer_types", "must list one type per layer (" + std::to_string(a.n_layer) + ")", &*lt);
    }
    for (uint32_t il = 0; il < a.n_layer; ++il) {
      const json& t = (*lt)[il];
      if (!t.is_string()) bad_field("layer_types", "must be a list of strings", &t);
      const std::string s = t.get<std::string>();
      a.swa_layers[il] = s == "sliding_attention" || s == "chunked_attention";
    }
  } else {
    for (uint32_t il = 0; il < a.n_layer; ++il) a.swa_layers[il] = period == 0 || il % period < period - 1;
  }
  a.n_layer_swa = 0;
  for (bool s : a.swa_layers) a.n_layer_swa += s ? 1 : 0;
  a.sliding_window = a.n_layer_swa ? window : 0;
  a.swa_kind = a.n_layer_swa ? kind : SwaKind::none;
  if (!a.n_layer_swa) a.swa_layers.clear();
}

void read_rope_freqs(const json& cfg, ModelArch& a) {
  auto rs = cfg.find("rope_scaling");
  if (rs != cfg.end() && rs->is_object()) {
    const std::string type = rs->value("rope_type", rs->value("type", std::string()));
    a.rope_freqs = type == "llama3";
    a.rope_factors_long_short = type == "longrope" || type == "su";
  }
}

void read_llama(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.attn_qkv_bias = read_bool_or(cfg, "attention_bias", false);
  a.attn_o_bias = a.attn_qkv_bias;
  read_rope_freqs(cfg, a);
  a.rope_factors_long_short = false;
  if (has(cfg, "num_local_experts")) {  // Mixtral
    a.n_expert = read_u32(cfg, "num_local_experts", 1, kMaxExperts);
    a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
    a.n_ff_exp = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  } else {
    a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  }
  // Mistral 7B v0.1 slides on every layer; later Mistral configs set sliding_window to null.
  if (has(cfg, "sliding_window")) set_swa(cfg, a, read_u32(cfg, "sliding_window", 1, kMaxContext), SwaKind::standard, 0);
}

void read_qwen(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.attn_qkv_bias = a.arch == "qwen2" || a.arch == "qwen2moe" || read_bool_or(cfg, "attention_bias", false);
  a.attn_qk_norm = a.arch == "qwen3" || a.arch == "qwen3moe";
  if (a.arch == "qwen2moe" || a.arch == "qwen3moe") {
    a.n_expert = read_u32(cfg, "num_experts", 1, kMaxExperts);
    a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
    a.n_ff_exp = read_u32(cfg, "moe_intermediate_size", 1, kMaxWidth);
    // modeling_qwen2_moe: layer il is sparse when (il + 1) % decoder_sparse_step == 0.
    a.moe_layer_freq = read_u32_or(cfg, "decoder_sparse_step", 1, 1, a.n_layer);
    a.moe_layer_phase = 1;
    if (a.arch == "qwen2moe") {
      a.n_ff_shexp = read_u32_or(cfg, "shared_expert_intermediate_size", 0, 0, kMaxWidth);
      a.n_expert_shared = a.n_ff_shexp > 0 ? 1 : 0;
      a.shared_expert_gate = a.n_ff_shexp > 0;
    }
  } else {
    a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  }
  // Qwen slides only when use_sliding_window is true, on the layers from max_window_layers up.
  if (has(cfg, "sliding_window") && read_bool_or(cfg, "use_sliding_window", false)) {
    const uint32_t window = read_u32(cfg, "sliding_window", 1, kMaxContext);
    const uint32_t full = read_u32_or(cfg, "max_window_layers", a.n_layer, 0, kMaxLayers);
    a.swa_layers.assign(a.n_layer, false);
    for (uint32_t il = full; il < a.n_layer; ++il) a.swa_layers[il] = true;
    a.n_layer_swa = full < a.n_layer ? a.n_layer - full : 0;
    a.sliding_window = a.n_layer_swa ? window : 0;
    a.swa_kind = a.n_layer_swa ? SwaKind::standard : SwaKind::none;
    if (!a.n_layer_swa) a.swa_layers.clear();
  }
}

// DeepSeek-style routed + shared experts with dense first layers (DeepSeek-V2/V3, Kimi K2, GLM-4.5).
void read_deepseek_moe(const json& cfg, ModelArch& a) {
  a.n_expert = read_u32_or(cfg, "n_routed_experts", 0, 0, kMaxExperts);
  if (a.n_expert > 0) {
    a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
    a.n_expert_shared = read_u32_or(cfg, "n_shared_experts", 0, 0, kMaxExperts);
    a.n_ff_exp = read_u32(cfg, "moe_intermediate_size", 1, kMaxWidth);
    a.n_ff_shexp = a.n_expert_shared * a.n_ff_exp;
    a.n_layer_dense_lead = read_u32_or(cfg, "first_k_dense_replace", 0, 0, a.n_layer);
    a.moe_layer_freq = read_u32_or(cfg, "moe_layer_freq", 1, 1, a.n_layer);
  }
  if (a.n_expert == 0 || a.n_layer_dense_lead > 0) a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  a.n_nextn_layer = read_u32_or(cfg, "num_nextn_predict_layers", 0, 0, kMaxLayers);
}

void read_deepseek(const json& cfg, ModelArch& a) {
  a.attention = AttentionKind::MLA;
  a.q_lora_rank = read_u32_or(cfg, "q_lora_rank", 0, 0, kMaxWidth);
  a.kv_lora_rank = read_u32(cfg, "kv_lora_rank", 1, kMaxWidth);
  a.qk_nope_head_dim = read_u32(cfg, "qk_nope_head_dim", 1, kMaxWidth);
  a.qk_rope_head_dim = read_u32(cfg, "qk_rope_head_dim", 1, kMaxWidth);
  a.v_head_dim = read_u32(cfg, "v_head_dim", 1, kMaxWidth);
  a.n_embd_head_k = a.qk_nope_head_dim + a.qk_rope_head_dim;
  a.n_embd_head_v = a.v_head_dim;
  a.n_head_kv = a.n_head;  // MLA expands the latent to every head
  read_deepseek_moe(cfg, a);
  if (a.n_expert > 0) a.expert_bias = read_string_or(cfg, "topk_method", "") == "noaux_tc";
  // DeepSeek-V3.2's sparse attention (DSA): a lightning indexer per layer
  // (deepseek-ai/DeepSeek-V3.2-Exp inference/model.py, class Indexer).
  if (has(cfg, "index_n_heads") || has(cfg, "index_head_dim")) {
    a.index_n_heads = read_u32(cfg, "index_n_heads", 1, kMaxHeads);
    a.index_head_dim = read_u32(cfg, "index_head_dim", 1, kMaxWidth);
    a.index_topk = read_u32_or(cfg, "index_topk", 0, 0, kMaxContext);
    if (a.q_lora_rank == 0) bad_field("q_lora_rank", "is required with an indexer (its queries come from the q LoRA)", nullptr);
  }
}

void read_glm4moe(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.attn_qkv_bias = read_bool_or(cfg, "attention_bias", false);
  a.attn_qk_norm = read_bool_or(cfg, "use_qk_norm", false);
  read_deepseek_moe(cfg, a);
  // GLM-4.5 routes with a sigmoid and a per-expert correction bias (e_score_correction_bias),
  // which llama.cpp stores as exp_probs_b; its MTP layer has no embedding or head of its own.
  a.expert_bias = a.n_expert > 0;
  a.nextn_own_head = false;
}

void read_gemma(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.attn_post_norm = true;
  const bool v3 = a.arch == "gemma3";
  a.attn_qk_norm = v3;
  a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  // Gemma2Config defaults sliding_window to 4096, Gemma3TextConfig to 4096 with
  // sliding_window_pattern 6 (transformers configuration_gemma2.py / configuration_gemma3.py).
  const uint32_t window = read_u32_or(cfg, "sliding_window", 4096, 1, kMaxContext);
  const uint32_t period = v3 ? read_u32_or(cfg, "sliding_window_pattern", 6, 1, kMaxLayers) : 2;
  set_swa(cfg, a, window, SwaKind::standard, period);
}

void read_gpt_oss(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.attn_qkv_bias = read_bool_or(cfg, "attention_bias", true);
  a.attn_o_bias = a.attn_qkv_bias;
  a.attn_sinks = true;
  a.moe_biases = true;
  a.n_expert = read_u32(cfg, "num_local_experts", 1, kMaxExperts);
  a.n_expert_used = read_u32_or(cfg, "num_experts_per_tok", read_u32_or(cfg, "experts_per_token", 4, 1, a.n_expert), 1, a.n_expert);
  a.n_ff_exp = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  // Alternating 128-token sliding window and full attention, layer 0 sliding (layer_types).
  set_swa(cfg, a, read_u32_or(cfg, "sliding_window", 128, 1, kMaxContext), SwaKind::standard, 2);
}

void read_phi3(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.attn_qkv_fused = true;
  a.ffn_gate_up_fused = true;
  read_rope_freqs(cfg, a);
  a.rope_freqs = false;
  a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  // Phi-3 configs set a window on every layer (2047 for mini-4k, 262144 for 3.5-mini); llama.cpp
  // ignores it ("Phi SWA is currently disabled", llama-model.cpp, PR #13676).
  if (has(cfg, "sliding_window")) {
    set_swa(cfg, a, read_u32(cfg, "sliding_window", 1, kMaxContext), SwaKind::standard, 0);
    a.swa_disabled_llama_cpp = true;
  }
}

void read_llama4(const json& cfg, ModelArch& a) {
  read_gqa(cfg, a);
  a.n_expert = read_u32(cfg, "num_local_experts", 1, kMaxExperts);
  a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
  a.n_ff_exp = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
  a.n_ff = read_u32_or(cfg, "intermediate_size_mlp", a.n_ff_exp, 1, kMaxWidth);
  a.n_expert_shared = 1;  // Llama4TextMoe: one shared expert beside the routed ones
  a.n_ff_shexp = a.n_ff_exp;
  // modeling_llama4: layer il is MoE when (il + 1) % interleave_moe_layer_step == 0
  // (Scout: every layer; Maverick: every second).
  a.moe_layer_freq = read_u32_or(cfg, "interleave_moe_layer_step", 1, 1, a.n_layer);
  a.moe_layer_phase = 1;
  // Chunked attention on the RoPE layers, full attention on the NoPE ones (no_rope_layers[il] == 0):
  // three chunked per full one (llama.cpp set_swa_pattern(4), n_swa 8192).
  const uint32_t chunk = read_u32_or(cfg, "attention_chunk_size", 8192, 1, kMaxContext);
  auto nr = cfg.find("no_rope_layers");
  if (nr != cfg.end() && nr->is_array() && nr->size() >= a.n_layer) {
    json types = json::array();
    for (uint32_t il = 0; il < a.n_layer; ++il) {
      const json& v = (*nr)[il];
      if (!v.is_number()) bad_field("no_rope_layers", "must be a list of 0 and 1", &v);
      types.push_back(v.get<double>() != 0 ? "chunked_attention" : "full_attention");
    }
    set_swa(json{{"layer_types", types}}, a, chunk, SwaKind::chunked, 4);
  } else {
    set_swa(json::object(), a, chunk, SwaKind::chunked, 4);
  }
}

// SigLIP (Gemma 3): patch embedding conv with bias, a position embedding per patch, pre-norm
// blocks with biased q/k/v/o and a GELU MLP, a final LayerNorm; the projector is Gemma3's
// mm_input_projection_weight [vision hidden x text hidden] plus mm_soft_emb_norm.
uint64_t siglip_params(const json& v, uint64_t text_hidden, std::string* what) {
  const uint64_t h = read_u32(v, "hidden_size", 1, kMaxWidth);
  const uint64_t ff = read_u32(v, "intermediate_size", 1, kMaxWidth);
  const uint64_t n = read_u32(v, "num_hidden_layers", 1, kMaxLayers);
  const uint64_t patch = read_u32(v, "patch_size", 1, 10'000);
  const uint64_t image = read_u32(v, "image_size", 1, 100'000);
  const uint64_t ch = read_u32_or(v, "num_channels", 3, 1, 16);
  const uint64_t patches = (image / patch) * (image / patch);
  const uint64_t per_layer = 4 * h + 4 * (h * h + h) + (h * ff + ff) + (ff * h + h);
  uint64_t p = ch * patch * patch * h + h + patches * h + n * per_layer + 2 * h;
  p += h * text_hidden + h;
  *what = "SigLIP vision tower (" + std::to_string(n) + " layers, " + std::to_string(h) + " wide) and projector";
  return p;
}

// Llama 4's vision encoder (modeling_llama4: Llama4VisionModel, Llama4VisionPixelShuffleMLP,
// Llama4MultiModalProjector): unfold-conv patch embedding without bias, class embedding, position
// embedding for patches + 1, pre/post LayerNorms, biased attention and MLP, the pixel-shuffle
// adapter (intermediate -> projector_input_dim -> projector_output_dim, no bias) and the projector
// (vision_output_dim -> text hidden, no bias).
uint64_t llama4_vision_params(const json& v, uint64_t text_hidden, std::string* what) {
  const uint64_t h = read_u32(v, "hidden_size", 1, kMaxWidth);
  const uint64_t ff = read_u32(v, "intermediate_size", 1, kMaxWidth);
  const uint64_t n = read_u32(v, "num_hidden_layers", 1, kMaxLayers);
  const uint64_t patch = read_u32(v, "patch_size", 1, 10'000);
  const uint64_t image = read_u32(v, "image_size", 1, 100'000);
  const uint64_t ch = read_u32_or(v, "num_channels", 3, 1, 16);
  const uint64_t proj_in = read_u32(v, "projector_input_dim", 1, kMaxWidth);
  const uint64_t proj_out = read_u32(v, "projector_output_dim", 1, kMaxWidth);
  const uint64_t out_dim = read_u32_or(v, "vision_output_dim", static_cast<uint32_t>(proj_out), 1, kMaxWidth);
  const uint64_t patches = (image / patch) * (image / patch) + 1;
  const uint64_t per_layer = 4 * (h * h + h) + 4 * h + (h * ff + ff) + (ff * h + h);
  uint64_t p = ch * patch * patch * h + h + patches * h + 4 * h + n * per_layer;
  p += ff * proj_in + proj_out * proj_out;  // pixel-shuffle MLP
  p += out_dim * text_hidden;               // multi_modal_projector.linear_1
  *what = "Llama 4 vision encoder (" + std::to_string(n) + " layers, " + std::to_string(h) + " wide) and projector";
  return p;
}

}  // namespace

uint64_t vision_params(const json& vision_cfg, const std::string& family_arch, uint64_t text_hidden, std::string* what) {
  if (!vision_cfg.is_object()) return 0;
  const std::string type = vision_cfg.value("model_type", std::string());
  if (type == "siglip_vision_model" || (type.empty() && family_arch == "gemma3")) return siglip_params(vision_cfg, text_hidden, what);
  if (type == "llama4_vision_model" || (type.empty() && family_arch == "llama4")) return llama4_vision_params(vision_cfg, text_hidden, what);
  *what = "a vision tower (" + (type.empty() ? std::string("unknown kind") : type) + ") that is not counted";
  return 0;
}

const std::vector<ArchFamily>& arch_families() {
  static const std::vector<ArchFamily> families = {
      {"DeepSeek-V2/V3/R1, Kimi K2", "deepseek2", {"DeepseekV3ForCausalLM", "DeepseekV2ForCausalLM"},
       {"deepseek_v3", "deepseek_v2", "kimi_k2"}, false, nullptr, read_deepseek},
      {"DeepSeek-V3.2", "deepseek2", {"DeepseekV32ForCausalLM"}, {"deepseek_v32"}, false, nullptr, read_deepseek},
      {"Qwen2", "qwen2", {"Qwen2ForCausalLM"}, {"qwen2"}, false, nullptr, read_qwen},
      {"Qwen3", "qwen3", {"Qwen3ForCausalLM"}, {"qwen3"}, false, nullptr, read_qwen},
      {"Qwen2-MoE", "qwen2moe", {"Qwen2MoeForCausalLM"}, {"qwen2_moe"}, false, nullptr, read_qwen},
      {"Qwen3-MoE", "qwen3moe", {"Qwen3MoeForCausalLM"}, {"qwen3_moe"}, false, nullptr, read_qwen},
      // llama.cpp converts Mistral and Mixtral to the llama architecture; Mistral Small 3.1/3.2
      // nest a Mistral text model in Mistral3ForConditionalGeneration.
      {"Llama, Mistral, Mixtral", "llama", {"LlamaForCausalLM", "MistralForCausalLM", "MixtralForCausalLM"},
       {"llama", "mistral", "mixtral"}, false, nullptr, read_llama},
      {"Gemma 2", "gemma2", {"Gemma2ForCausalLM"}, {"gemma2"}, true, nullptr, read_gemma},
      {"Gemma 3", "gemma3", {"Gemma3ForCausalLM", "Gemma3ForConditionalGeneration"}, {"gemma3", "gemma3_text"}, true,
       // transformers configuration_gemma3.py, Gemma3TextConfig.__init__ defaults: gemma-3-4b-it's
       // text_config, for one, gives neither heads nor vocabulary.
       R"({"vocab_size": 262208, "hidden_size": 2304, "intermediate_size": 9216, "num_hidden_layers": 26,
           "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "max_position_embeddings": 131072,
           "sliding_window": 4096, "sliding_window_pattern": 6})",
       read_gemma},
      {"gpt-oss", "gpt-oss", {"GptOssForCausalLM"}, {"gpt_oss"}, false, nullptr, read_gpt_oss},
      {"Phi-3, Phi-3.5, Phi-4", "phi3", {"Phi3ForCausalLM"}, {"phi3"}, false, nullptr, read_phi3},
      {"Llama 4", "llama4", {"Llama4ForConditionalGeneration", "Llama4ForCausalLM"}, {"llama4", "llama4_text"}, false,
       nullptr, read_llama4},
      {"GLM-4.5/4.6", "glm4moe", {"Glm4MoeForCausalLM"}, {"glm4_moe"}, false, nullptr, read_glm4moe},
  };
  return families;
}

}  // namespace vramcalc::detail
