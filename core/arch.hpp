#pragma once
// A model's architecture as the estimate needs it, read from a Hugging Face config.json.
// Field names follow llama.cpp's hparams (n_layer, n_head_kv, n_embd_head_k, ...), so formulas
// can be traced to the runtime that allocates the memory.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

enum class AttentionKind { MHA, GQA, MLA };
const char* attention_kind_name(AttentionKind k);

struct TokenizerInfo {
  std::string model = "gpt2";  // tokenizer.ggml.model
  uint64_t n_tokens = 0;       // entries in tokenizer.ggml.tokens (padded to vocab_size)
  uint64_t n_merges = 0;       // entries in tokenizer.ggml.merges (BPE only)
  bool known = false;          // false: counts are estimated from vocab_size
};

struct ModelArch {
  std::string id;
  std::string name;
  std::string family = "custom";  // full | distill | custom
  std::string arch;               // llama.cpp architecture: llama, qwen2, qwen3, deepseek2, ...
  std::string hf_architecture;    // e.g. Qwen2ForCausalLM
  std::string torch_dtype;

  uint32_t n_layer = 0;
  uint32_t n_embd = 0;
  uint32_t n_head = 0;
  uint32_t n_head_kv = 0;
  uint32_t n_embd_head_k = 0;  // per-head K size (for MLA: qk_nope + qk_rope)
  uint32_t n_embd_head_v = 0;
  uint32_t n_ff = 0;           // FFN width of dense layers
  uint32_t n_vocab = 0;
  uint64_t n_ctx_train = 0;    // config max_position_embeddings
  uint64_t n_ctx_max = 0;      // the largest context the model is documented for (model card)
  bool tied_embeddings = false;
  bool attn_qkv_bias = false;  // Qwen2: q/k/v projections carry biases
  bool attn_o_bias = false;
  bool attn_qk_norm = false;   // Qwen3: per-head RMS norm of q and k
  bool rope_freqs = false;     // rope_scaling type llama3: GGUF carries a rope_freqs table
  AttentionKind attention = AttentionKind::GQA;
  // llama.cpp's LLM_TYPE_70B: Llama/Qwen2 with 80 layers and grouped KV heads
  // (llama-model.cpp load_hparams); llama-quantize gives its attn_v more bits.
  bool llm_type_70b = false;

  // Multi-head latent attention (DeepSeek-V2/V3/R1)
  uint32_t q_lora_rank = 0;  // 0: q is projected directly (DeepSeek-V2-Lite)
  uint32_t kv_lora_rank = 0;
  uint32_t qk_nope_head_dim = 0;
  uint32_t qk_rope_head_dim = 0;
  uint32_t v_head_dim = 0;

  // Mixture of experts
  uint32_t n_expert = 0;         // routed experts per MoE layer (0: dense model)
  uint32_t n_expert_used = 0;    // experts per token
  uint32_t n_expert_shared = 0;  // shared experts (DeepSeek), always active
  uint32_t n_ff_exp = 0;         // width of one routed expert
  uint32_t n_ff_shexp = 0;       // width of the shared expert block (n_expert_shared x n_ff_exp for DeepSeek)
  uint32_t n_layer_dense_lead = 0;  // first_k_dense_replace
  uint32_t moe_layer_freq = 1;
  bool expert_bias = false;      // DeepSeek-V3 noaux_tc: e_score_correction_bias per expert
  bool shared_expert_gate = false;  // Qwen2-MoE: a sigmoid gate on the shared expert

  uint32_t n_nextn_layer = 0;  // multi-token-prediction layers (not part of the headline count)

  uint32_t sliding_window = 0;  // 0: none
  uint32_t n_layer_swa = 0;     // layers that use the window

  TokenizerInfo tokenizer;

  bool is_moe() const { return n_expert > 1; }
  bool is_moe_layer(uint32_t il) const {
    return is_moe() && il >= n_layer_dense_lead && (moe_layer_freq <= 1 || il % moe_layer_freq == 0);
  }
  uint32_t n_gqa() const { return n_head_kv ? n_head / n_head_kv : 1; }
};

// Parses a Hugging Face config.json object. Throws InputError naming the field on a missing,
// negative, non-numeric or absurd value. Fields are checked against generous physical bounds.
ModelArch arch_from_hf_config(const nlohmann::json& config);

// Parses config.json text (what a user pastes or a file holds); malformed or truncated JSON is an
// InputError with field "config".
ModelArch arch_from_hf_config_text(const std::string& text);

}  // namespace vramcalc
