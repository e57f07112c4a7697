#include "tensors.hpp"

#include <cstring>

namespace vramcalc {

const char* role_gguf_name(Role r) {
  switch (r) {
    case Role::token_embd: return "token_embd.weight";
    case Role::output: return "output.weight";
    case Role::output_norm: return "output_norm.weight";
    case Role::rope_freqs: return "rope_freqs.weight";
    case Role::attn_norm: return "attn_norm.weight";
    case Role::attn_q: return "attn_q.weight";
    case Role::attn_k: return "attn_k.weight";
    case Role::attn_v: return "attn_v.weight";
    case Role::attn_output: return "attn_output.weight";
    case Role::attn_q_bias: return "attn_q.bias";
    case Role::attn_k_bias: return "attn_k.bias";
    case Role::attn_v_bias: return "attn_v.bias";
    case Role::attn_output_bias: return "attn_output.bias";
    case Role::attn_q_norm: return "attn_q_norm.weight";
    case Role::attn_k_norm: return "attn_k_norm.weight";
    case Role::attn_q_a: return "attn_q_a.weight";
    case Role::attn_q_a_norm: return "attn_q_a_norm.weight";
    case Role::attn_q_b: return "attn_q_b.weight";
    case Role::attn_kv_a_mqa: return "attn_kv_a_mqa.weight";
    case Role::attn_kv_a_norm: return "attn_kv_a_norm.weight";
    case Role::attn_kv_b: return "attn_kv_b.weight";
    case Role::attn_k_b: return "attn_k_b.weight";
    case Role::attn_v_b: return "attn_v_b.weight";
    case Role::ffn_norm: return "ffn_norm.weight";
    case Role::ffn_gate: return "ffn_gate.weight";
    case Role::ffn_up: return "ffn_up.weight";
    case Role::ffn_down: return "ffn_down.weight";
    case Role::ffn_gate_inp: return "ffn_gate_inp.weight";
    case Role::exp_probs_b: return "exp_probs_b.bias";
    case Role::ffn_gate_exps: return "ffn_gate_exps.weight";
    case Role::ffn_up_exps: return "ffn_up_exps.weight";
    case Role::ffn_down_exps: return "ffn_down_exps.weight";
    case Role::ffn_gate_inp_shexp: return "ffn_gate_inp_shexp.weight";
    case Role::ffn_gate_shexp: return "ffn_gate_shexp.weight";
    case Role::ffn_up_shexp: return "ffn_up_shexp.weight";
    case Role::ffn_down_shexp: return "ffn_down_shexp.weight";
    case Role::attn_qkv: return "attn_qkv.weight";
    case Role::rope_factors_long: return "rope_factors_long.weight";
    case Role::rope_factors_short: return "rope_factors_short.weight";
    case Role::attn_post_norm: return "post_attention_norm.weight";
    case Role::ffn_post_norm: return "post_ffw_norm.weight";
    case Role::attn_sinks: return "attn_sinks.weight";
    case Role::ffn_gate_inp_bias: return "ffn_gate_inp.bias";
    case Role::ffn_gate_exps_bias: return "ffn_gate_exps.bias";
    case Role::ffn_up_exps_bias: return "ffn_up_exps.bias";
    case Role::ffn_down_exps_bias: return "ffn_down_exps.bias";
    case Role::indexer_attn_q_b: return "indexer.attn_q_b.weight";
    case Role::indexer_attn_k: return "indexer.attn_k.weight";
    case Role::indexer_k_norm: return "indexer.k_norm.weight";
    case Role::indexer_k_norm_bias: return "indexer.k_norm.bias";
    case Role::indexer_proj: return "indexer.proj.weight";
  }
  return "?";
}

bool role_is_linear(Role r) {
  switch (r) {
    case Role::attn_q: case Role::attn_k: case Role::attn_v: case Role::attn_output:
    case Role::attn_q_a: case Role::attn_q_b: case Role::attn_kv_a_mqa: case Role::attn_kv_b:
    case Role::attn_k_b: case Role::attn_v_b:
    case Role::ffn_gate: case Role::ffn_up: case Role::ffn_down:
    case Role::ffn_gate_exps: case Role::ffn_up_exps: case Role::ffn_down_exps:
    case Role::ffn_gate_shexp: case Role::ffn_up_shexp: case Role::ffn_down_shexp:
    case Role::attn_qkv: case Role::indexer_attn_q_b: case Role::indexer_attn_k:
      return true;
    default:
      return false;
  }
}

bool role_is_routed_expert(Role r) {
  return r == Role::ffn_gate_exps || r == Role::ffn_up_exps || r == Role::ffn_down_exps ||
         r == Role::ffn_gate_exps_bias || r == Role::ffn_up_exps_bias || r == Role::ffn_down_exps_bias;
}

bool role_is_bias(Role r) {
  switch (r) {
    case Role::attn_q_bias: case Role::attn_k_bias: case Role::attn_v_bias: case Role::attn_output_bias:
    case Role::exp_probs_b: case Role::ffn_gate_inp_bias: case Role::ffn_gate_exps_bias: case Role::ffn_up_exps_bias:
    case Role::ffn_down_exps_bias: case Role::indexer_k_norm_bias:
      return true;
    default:
      return false;
  }
}

// Tables the converter computes from the config (not weights of the checkpoint).
bool role_is_parameter(Role r) {
  return r != Role::rope_freqs && r != Role::rope_factors_long && r != Role::rope_factors_short;
}

namespace {

struct Builder {
  std::vector<Tensor>& out;
  int32_t layer;
  void vec(Role r, uint64_t n) { out.push_back({r, layer, 1, n, 1, 1}); }
  void mat(Role r, uint64_t in, uint64_t outf) { out.push_back({r, layer, 2, in, outf, 1}); }
  void mat3(Role r, uint64_t in, uint64_t outf, uint64_t n) { out.push_back({r, layer, 3, in, outf, n}); }
};

void add_ffn(Builder& b, const ModelArch& a, uint32_t il) {
  const uint64_t e = a.n_embd;
  // gpt-oss names its pre-FFN norm post_attention_norm; Gemma puts a norm after the FFN too.
  b.vec(a.moe_biases ? Role::attn_post_norm : Role::ffn_norm, e);
  if (!a.is_moe_layer(il)) {
    if (a.ffn_gate_up_fused) {
      // Phi-3: gate_up_proj stays one tensor, ffn_up with 2 x n_ff rows (convert_hf_to_gguf.py).
      b.mat(Role::ffn_up, e, 2 * uint64_t(a.n_ff));
    } else {
      b.mat(Role::ffn_gate, e, a.n_ff);
      b.mat(Role::ffn_up, e, a.n_ff);
    }
    b.mat(Role::ffn_down, a.n_ff, e);
    if (a.attn_post_norm) b.vec(Role::ffn_post_norm, e);
    return;
  }
  // Order as llama.cpp's deepseek2 / qwen2moe / openai-moe loaders list them.
  b.mat(Role::ffn_gate_inp, e, a.n_expert);
  if (a.moe_biases) b.vec(Role::ffn_gate_inp_bias, a.n_expert);
  if (a.expert_bias) b.vec(Role::exp_probs_b, a.n_expert);
  b.mat3(Role::ffn_gate_exps, e, a.n_ff_exp, a.n_expert);
  b.mat3(Role::ffn_down_exps, a.n_ff_exp, e, a.n_expert);
  b.mat3(Role::ffn_up_exps, e, a.n_ff_exp, a.n_expert);
  if (a.moe_biases) {
    b.mat(Role::ffn_gate_exps_bias, a.n_ff_exp, a.n_expert);
    b.mat(Role::ffn_down_exps_bias, e, a.n_expert);
    b.mat(Role::ffn_up_exps_bias, a.n_ff_exp, a.n_expert);
  }
  if (a.n_ff_shexp > 0) {
    if (a.shared_expert_gate) b.mat(Role::ffn_gate_inp_shexp, e, 1);
    b.mat(Role::ffn_gate_shexp, e, a.n_ff_shexp);
    b.mat(Role::ffn_down_shexp, a.n_ff_shexp, e);
    b.mat(Role::ffn_up_shexp, e, a.n_ff_shexp);
  }
}

void add_attention(Builder& b, const ModelArch& a, const TensorLayout& layout) {
  const uint64_t e = a.n_embd;
  b.vec(Role::attn_norm, e);
  if (a.attention == AttentionKind::MLA) {
    const uint64_t n_head = a.n_head;
    if (a.q_lora_rank > 0) {
      b.mat(Role::attn_q_a, e, a.q_lora_rank);
      b.vec(Role::attn_q_a_norm, a.q_lora_rank);
      b.mat(Role::attn_q_b, a.q_lora_rank, n_head * a.n_embd_head_k);
    } else {
      b.mat(Role::attn_q, e, n_head * a.n_embd_head_k);
    }
    b.mat(Role::attn_kv_a_mqa, e, uint64_t(a.kv_lora_rank) + a.qk_rope_head_dim);
    b.vec(Role::attn_kv_a_norm, a.kv_lora_rank);
    if (layout.mla_split_kv_b) {
      // convert_hf_to_gguf.py (DeepseekV2Model.modify_tensors) splits kv_b_proj into
      // k_b [n_head, kv_lora_rank, qk_nope] (stored transposed: rows of qk_nope) and v_b.
      b.mat3(Role::attn_k_b, a.qk_nope_head_dim, a.kv_lora_rank, n_head);
      b.mat3(Role::attn_v_b, a.kv_lora_rank, a.v_head_dim, n_head);
    } else {
      b.mat(Role::attn_kv_b, a.kv_lora_rank, n_head * (uint64_t(a.qk_nope_head_dim) + a.v_head_dim));
    }
    b.mat(Role::attn_output, n_head * uint64_t(a.v_head_dim), e);
    if (a.index_n_heads > 0) {
      // DeepSeek-V3.2 Indexer: wq_b [q_lora -> heads x head_dim], wk [hidden -> head_dim],
      // k_norm (LayerNorm with bias), weights_proj [hidden -> heads].
      b.mat(Role::indexer_attn_q_b, a.q_lora_rank, uint64_t(a.index_n_heads) * a.index_head_dim);
      b.mat(Role::indexer_attn_k, e, a.index_head_dim);
      b.vec(Role::indexer_k_norm, a.index_head_dim);
      b.vec(Role::indexer_k_norm_bias, a.index_head_dim);
      b.mat(Role::indexer_proj, e, a.index_n_heads);
    }
    return;
  }
  const uint64_t q_out = uint64_t(a.n_head) * a.n_embd_head_k;
  const uint64_t k_out = uint64_t(a.n_head_kv) * a.n_embd_head_k;
  const uint64_t v_out = uint64_t(a.n_head_kv) * a.n_embd_head_v;
  if (a.attn_qkv_fused) {
    b.mat(Role::attn_qkv, e, q_out + k_out + v_out);
  } else {
    b.mat(Role::attn_q, e, q_out);
    b.mat(Role::attn_k, e, k_out);
    b.mat(Role::attn_v, e, v_out);
  }
  if (a.attn_qkv_bias) {
    b.vec(Role::attn_q_bias, q_out);
    b.vec(Role::attn_k_bias, k_out);
    b.vec(Role::attn_v_bias, v_out);
  }
  if (a.attn_qk_norm) {
    b.vec(Role::attn_q_norm, a.n_embd_head_k);
    b.vec(Role::attn_k_norm, a.n_embd_head_k);
  }
  b.mat(Role::attn_output, uint64_t(a.n_head) * a.n_embd_head_v, e);
  if (a.attn_o_bias) b.vec(Role::attn_output_bias, e);
  if (a.attn_sinks) b.vec(Role::attn_sinks, a.n_head);
  if (a.attn_post_norm) b.vec(Role::attn_post_norm, e);
}

}  // namespace

std::vector<Tensor> enumerate_tensors(const ModelArch& a, const TensorLayout& layout) {
  std::vector<Tensor> out;
  out.reserve(3 + size_t(a.n_layer) * 20);
  Builder g{out, -1};
  g.mat(Role::token_embd, a.n_embd, a.n_vocab);
  g.vec(Role::output_norm, a.n_embd);
  if (!a.tied_embeddings) g.mat(Role::output, a.n_embd, a.n_vocab);
  // Llama 3.1-style RoPE scaling is stored as a table of n_rot/2 frequency factors
  // (convert_hf_to_gguf.py LlamaModel.generate_extra_tensors).
  if (a.rope_freqs) g.vec(Role::rope_freqs, a.n_embd_head_k / 2);
  // Phi-3 LongRoPE: long and short factor tables of n_rot/2 (convert_hf_to_gguf.py Phi3MiniModel).
  if (a.rope_factors_long_short) {
    g.vec(Role::rope_factors_long, a.n_embd_head_k / 2);
    g.vec(Role::rope_factors_short, a.n_embd_head_k / 2);
  }
  for (uint32_t il = 0; il < a.n_layer; ++il) {
    Builder b{out, int32_t(il)};
    add_attention(b, a, layout);
    add_ffn(b, a, il);
  }
  return out;
}

uint64_t mtp_params(const ModelArch& a) {
  if (a.n_nextn_layer == 0) return 0;
  // DeepSeek-V3 MTP module (README_WEIGHTS.md): one full transformer block (MoE) plus enorm, hnorm,
  // eh_proj [2*hidden -> hidden] and the shared head's norm.
  ModelArch one = a;
  one.n_layer = 1;
  one.n_layer_dense_lead = 0;
  one.n_nextn_layer = 0;
  std::vector<Tensor> t;
  Builder b{t, 0};
  add_attention(b, one, TensorLayout{false});
  add_ffn(b, one, 0);
  uint64_t per_layer = 0;
  for (const Tensor& x : t) per_layer += x.numel();
  const uint64_t e = a.n_embd;
  per_layer += 3 * e + 2 * e * e;  // enorm, hnorm, shared_head.norm, eh_proj
  // DeepSeek's checkpoint stores the module with its own copy of the embedding and the output
  // head; GLM-4.5's shares the main model's.
  if (a.nextn_own_head) per_layer += 2 * e * a.n_vocab;
  return per_layer * a.n_nextn_layer;
}

bool role_type_depends_on_layer(Role r) {
  // attn_v and ffn_down by the K-quant rules, ffn_gate / ffn_up by IQ3_XS's middle-layer rule.
  switch (r) {
    case Role::attn_v: case Role::ffn_down: case Role::ffn_down_exps: case Role::ffn_down_shexp:
    case Role::ffn_gate: case Role::ffn_gate_exps: case Role::ffn_gate_shexp:
    case Role::ffn_up: case Role::ffn_up_exps: case Role::ffn_up_shexp:
      return true;
    default:
      return false;
  }
}

namespace {
uint64_t decimal_digits(uint64_t n) {
  uint64_t d = 1;
  while (n >= 10) { n /= 10; ++d; }
  return d;
}
// gguf_tensor_info: name (u64 length + bytes), n_dims u32, ne u64 x n_dims, type u32, offset u64.
uint64_t tensor_info_bytes(const Tensor& t) {
  const uint64_t name_len = std::strlen(role_gguf_name(t.role)) + (t.layer >= 0 ? 5 + decimal_digits(uint64_t(t.layer)) : 0);
  return 8 + name_len + 4 + 8ull * t.n_dims + 4 + 8;
}
}  // namespace

std::vector<TensorGroup> group_tensors(const std::vector<Tensor>& tensors, bool by_layer) {
  std::vector<TensorGroup> groups;
  for (const Tensor& t : tensors) {
    TensorGroup* g = nullptr;
    if (!by_layer && !role_type_depends_on_layer(t.role)) {
      for (TensorGroup& x : groups) {
        const Tensor& y = x.tensor;
        if (y.role == t.role && y.ne0 == t.ne0 && y.ne1 == t.ne1 && y.ne2 == t.ne2 && y.n_dims == t.n_dims) { g = &x; break; }
      }
    }
    if (!g) {
      groups.push_back({t, 0, 0});
      g = &groups.back();
    }
    g->count += 1;
    g->info_bytes += tensor_info_bytes(t);
  }
  return groups;
}

ParamCounts count_params(const ModelArch& a, const std::vector<TensorGroup>& groups) {
  ParamCounts p;
  uint64_t routed = 0;
  for (const TensorGroup& g : groups) {
    if (!role_is_parameter(g.tensor.role)) continue;
    p.total += g.tensor.numel() * g.count;
    if (role_is_routed_expert(g.tensor.role)) routed += g.tensor.numel() * g.count;
  }
  p.active = p.total - routed;
  if (a.n_expert > 0) p.active += routed / a.n_expert * a.n_expert_used;
  return p;
}

ParamCounts count_params(const ModelArch& a, const std::vector<Tensor>& tensors) {
  ParamCounts p;
  uint64_t routed = 0;
  for (const Tensor& t : tensors) {
    if (!role_is_parameter(t.role)) continue;
    p.total += t.numel();
    if (role_is_routed_expert(t.role)) routed += t.numel();
  }
  p.active = p.total - routed;
  if (a.n_expert > 0) p.active += routed / a.n_expert * a.n_expert_used;
  return p;
}

}  // namespace vramcalc
