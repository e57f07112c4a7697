#pragma once
// A model's architecture as the estimate needs it, read from a Hugging Face config.json.
// Field names follow llama.cpp's hparams (n_layer, n_head_kv, n_embd_head_k, ...), so formulas
// can be traced to the runtime that allocates the memory.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

enum class AttentionKind { MHA, GQA, MLA };
const char* attention_kind_name(AttentionKind k);

// How the sliding-window layers restrict attention: to the last n_swa tokens (Gemma, gpt-oss,
// Mistral 7B v0.1, Phi-3) or to the current chunk of n_swa tokens (Llama 4's chunked attention).
enum class SwaKind : uint8_t { none, standard, chunked };

// The weight format a checkpoint's config.json declares in quantization_config (AWQ, GPTQ, FP8,
// MXFP4, compressed-tensors), or its torch_dtype when it has none. It becomes the default format
// of an estimate, as the files a user downloads are stored.
struct CheckpointQuant {
  std::string method;        // "" (unquantized: torch_dtype), awq, gptq, fp8, mxfp4, compressed-tensors, ...
  uint32_t bits = 16;        // bits per quantized weight value
  uint32_t group_size = 0;   // values sharing one scale along the input dimension (0: none)
  uint32_t block_rows = 0, block_cols = 0;  // 2-D scale blocks (FP8 as DeepSeek ships)
  bool per_tensor = false;   // one scale per tensor (FP8 without blocks)
  bool per_channel = false;  // one scale per output row
  uint32_t scale_bytes = 0;  // bytes of one scale
  uint32_t zero_bits = 0;    // packed zero point per group (asymmetric int)
  bool experts_only = false; // only the routed experts are quantized (gpt-oss, Kimi K2 Thinking)
  uint32_t other_bits = 16;  // everything not quantized
  std::string description;
};

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
  bool rope_factors_long_short = false;  // Phi-3 LongRoPE: GGUF carries rope_factors_long/short
  bool attn_qkv_fused = false;   // Phi-3: one attn_qkv projection
  bool ffn_gate_up_fused = false;  // Phi-3: ffn_up holds gate and up (2 x n_ff rows)
  bool attn_post_norm = false;   // Gemma 2/3: norms after attention and after the FFN as well
  bool attn_sinks = false;       // gpt-oss: one learned sink logit per head
  bool moe_biases = false;       // gpt-oss: router and expert projections carry biases
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
  uint32_t moe_layer_phase = 0;  // layer il is MoE when (il + phase) % freq == 0 (Llama 4, Qwen: 1)
  bool expert_bias = false;      // DeepSeek-V3 noaux_tc: e_score_correction_bias per expert
  bool shared_expert_gate = false;  // Qwen2-MoE: a sigmoid gate on the shared expert

  uint32_t n_nextn_layer = 0;  // multi-token-prediction layers (not part of the headline count)
  bool nextn_own_head = true;  // DeepSeek's MTP module stores its own embedding and output head

  // DeepSeek-V3.2 sparse attention: a lightning indexer per layer with its own key cache.
  uint32_t index_n_heads = 0;
  uint32_t index_head_dim = 0;
  uint32_t index_topk = 0;

  uint32_t sliding_window = 0;  // 0: none
  uint32_t n_layer_swa = 0;     // layers that use the window
  SwaKind swa_kind = SwaKind::none;
  // swa_layers[il]: layer il attends within the window (empty: none does). Gemma 2 and gpt-oss
  // alternate, Gemma 3 has five sliding layers per full one, Llama 4 three chunked per full one.
  std::vector<bool> swa_layers;
  bool swa_disabled_llama_cpp = false;  // llama.cpp ignores Phi-3's window (PR #13676)

  // Vision tower and projector of multimodal checkpoints (Gemma 3, Llama 4, Mistral Small 3.1):
  // not in the text GGUF (llama.cpp loads them from a separate mmproj file).
  uint64_t params_vision = 0;
  std::string vision_tower;     // what it is, e.g. "SigLIP (27 layers, 1152 wide)"

  CheckpointQuant checkpoint;   // the format the checkpoint ships in

  TokenizerInfo tokenizer;

  bool is_moe() const { return n_expert > 1; }
  bool is_moe_layer(uint32_t il) const {
    return is_moe() && il >= n_layer_dense_lead && (moe_layer_freq <= 1 || (il + moe_layer_phase) % moe_layer_freq == 0);
  }
  bool is_swa_layer(uint32_t il) const { return sliding_window > 0 && il < swa_layers.size() && swa_layers[il]; }
  uint32_t n_gqa() const { return n_head_kv ? n_head / n_head_kv : 1; }
};

// Parses a Hugging Face config.json object. Throws InputError naming the field on a missing,
// negative, non-numeric or absurd value. Fields are checked against generous physical bounds.
ModelArch arch_from_hf_config(const nlohmann::json& config);

// The architectures arch_from_hf_config knows, for messages and listings ("Llama, Mistral, ...").
std::string supported_architectures();

// Parses config.json text (what a user pastes or a file holds); malformed or truncated JSON is an
// InputError with field "config".
ModelArch arch_from_hf_config_text(const std::string& text);

}  // namespace vramcalc
