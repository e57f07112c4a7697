#pragma once
// The weight tensors of a model, as llama.cpp's converter lays them out in a GGUF file
// (names, shapes, order). Parameter counts, GGUF sizes and GPU-format sizes are all sums over
// this one list, so they cannot disagree with each other.
#include <cstdint>
#include <string>
#include <vector>

#include "arch.hpp"

namespace vramcalc {

enum class Role : uint8_t {
  token_embd, output, output_norm, rope_freqs,
  attn_norm, attn_q, attn_k, attn_v, attn_output, attn_q_bias, attn_k_bias, attn_v_bias, attn_output_bias,
  attn_q_norm, attn_k_norm,
  // multi-head latent attention
  attn_q_a, attn_q_a_norm, attn_q_b, attn_kv_a_mqa, attn_kv_a_norm, attn_kv_b, attn_k_b, attn_v_b,
  ffn_norm, ffn_gate, ffn_up, ffn_down,
  ffn_gate_inp, exp_probs_b, ffn_gate_exps, ffn_up_exps, ffn_down_exps,
  ffn_gate_inp_shexp, ffn_gate_shexp, ffn_up_shexp, ffn_down_shexp,
  // Phi-3 (fused projections, LongRoPE factor tables), Gemma 2/3 (norms after attention and FFN)
  attn_qkv, rope_factors_long, rope_factors_short, attn_post_norm, ffn_post_norm,
  // gpt-oss: attention sinks and the biases of the router and the experts
  attn_sinks, ffn_gate_inp_bias, ffn_gate_exps_bias, ffn_up_exps_bias, ffn_down_exps_bias,
  // DeepSeek-V3.2's lightning indexer
  indexer_attn_q_b, indexer_attn_k, indexer_k_norm, indexer_k_norm_bias, indexer_proj,
};

// The GGUF name without the "blk.N." prefix, e.g. "attn_v.weight".
const char* role_gguf_name(Role r);

struct Tensor {
  Role role;
  int32_t layer;  // -1 for tensors outside the blocks
  uint8_t n_dims;
  uint64_t ne0;   // row length (input features for a weight matrix)
  uint64_t ne1;   // rows (output features)
  uint64_t ne2;   // experts (3-D expert tensors) or heads (MLA attn_k_b / attn_v_b)
  uint64_t numel() const { return ne0 * ne1 * ne2; }
  uint64_t rows() const { return ne1 * ne2; }
};

// Which kind of weight a tensor is, for the formats that treat kinds differently.
bool role_is_linear(Role r);        // a weight matrix of attention or FFN (quantized by GPU formats)
bool role_is_routed_expert(Role r); // only n_expert_used of n_expert are read per token
bool role_is_parameter(Role r);     // false for tensors computed at conversion (rope_freqs)
bool role_is_bias(Role r);          // "*.bias": llama-quantize leaves them in F32, 2-D or not

// Tensors that share a role and a shape, and whose GGUF type cannot depend on their layer, are
// summed as one group; the layer-dependent ones (attn_v, ffn_down*) stay one per layer. An
// estimate then walks tens of groups instead of a thousand tensors.
struct TensorGroup {
  Tensor tensor;              // the first of the group (its layer is the first layer)
  uint64_t count = 0;
  uint64_t info_bytes = 0;    // GGUF tensor-info records of all members (names differ in length)
};
bool role_type_depends_on_layer(Role r);
// by_layer: no tensor is merged with another layer's (for mixes whose rules name layer ranges).
std::vector<TensorGroup> group_tensors(const std::vector<Tensor>& tensors, bool by_layer = false);

struct TensorLayout {
  // llama.cpp split DeepSeek's attn_kv_b into attn_k_b and attn_v_b for its MLA cache
  // (ggml-org/llama.cpp PR #12801, April 2025); GGUFs converted before keep attn_kv_b.
  bool mla_split_kv_b = true;
};

std::vector<Tensor> enumerate_tensors(const ModelArch& a, const TensorLayout& layout);

// Parameters of the multi-token-prediction layers, which are not part of the published total
// and are not loaded by default.
uint64_t mtp_params(const ModelArch& a);

struct ParamCounts {
  uint64_t total = 0;
  uint64_t active = 0;  // per token: routed experts count n_expert_used / n_expert
};
ParamCounts count_params(const ModelArch& a, const std::vector<Tensor>& tensors);
ParamCounts count_params(const ModelArch& a, const std::vector<TensorGroup>& groups);

}  // namespace vramcalc
