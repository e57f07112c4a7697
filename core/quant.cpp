#include "quant.hpp"

#include <initializer_list>


namespace vramcalc {

const char* ggml_type_name(GgmlType t) {
  static constexpr const char* names[] = {
      "F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K",
      "IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0", "MXFP4"};
  static_assert(sizeof(names) / sizeof(names[0]) == kGgmlTypeCount);
  return names[static_cast<size_t>(t)];
}

namespace {

using T = GgmlType;
using F = Ftype;

// use_more_bits from llama_tensor_get_type: the first and last eighth of the layers, and every
// third layer in between, get more bits.
bool use_more_bits(int i_layer, int n_layers) {
  return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 || (i_layer - n_layers / 8) % 3 == 2;
}

// llama.cpp marks Llama/Qwen2 models with 80 layers and grouped KV heads as LLM_TYPE_70B, which
// bumps attn_v (llama-model.cpp load_hparams; llama-quant.cpp "In the 70B model we have 8 heads
// sharing the same attn_v weights").
bool is_type_70b(const ModelArch& a) { return a.llm_type_70b; }

// Block sizes are powers of two (checked when the catalogue is read).
bool row_divides(const GgmlTypeTable& types, GgmlType t, uint64_t ne0) {
  return (ne0 & (types[size_t(t)].block_size - 1)) == 0;
}

bool is_ftype(Ftype f, std::initializer_list<Ftype> set) {
  for (Ftype x : set) {
    if (f == x) return true;
  }
  return false;
}

// The name-matching categories of llama_tensor_get_type ("attn_v.weight", "ffn_down", ...):
// a name contains "ffn_down" for the dense, shared-expert and routed-expert tensors alike.
bool is_ffn_down(Role r) { return r == Role::ffn_down || r == Role::ffn_down_exps || r == Role::ffn_down_shexp; }
bool is_ffn_gate(Role r) { return r == Role::ffn_gate || r == Role::ffn_gate_exps || r == Role::ffn_gate_shexp; }
bool is_ffn_up(Role r) { return r == Role::ffn_up || r == Role::ffn_up_exps || r == Role::ffn_up_shexp; }

// The rules of llama_tensor_get_type at the commit in kLlamaQuantVersion (the name-matching
// version of 2025 that produced the published R1-family GGUFs), for the presets in
// data/quant_formats.json. Quotes are the source's conditions.
GgmlType pick_type(const ModelArch& a, const QuantFormat& q, const Tensor& t, const GgmlTypeTable& types,
                   int i_attention_wv, int n_attention_wv, bool imatrix, int i_ffn_down) {
  const F f = q.ftype;
  GgmlType nt = q.default_type;
  const uint32_t n_expert = a.n_expert;
  // layer_info: MoE models parse the layer from the name ("blk.%d."), dense models count the
  // tensors of the category in file order, which is the block index for them.
  const int i_layer = t.layer;
  const int n_layer = static_cast<int>(a.n_layer);  // "qs.n_ffn_down = qs.n_ffn_gate = qs.n_ffn_up = hparams.n_layer"
  const bool iq1_iq2 = is_ftype(f, {F::IQ2_XXS, F::IQ2_XS, F::IQ1_S, F::IQ2_S, F::IQ2_M, F::IQ1_M});
  const bool iq2_s_m = f == F::IQ2_S || f == F::IQ2_M;
  const Role r = t.role;

  if (f == F::MXFP4_MOE) {
    // "MoE tensors -> MXFP4, other tensors -> Q8_0", the output head Q8_0 (llama_tensor_get_type).
    return t.ne2 > 1 ? T::MXFP4 : T::Q8_0;
  }
  // "name == output.weight || (!qs.has_output && name == token_embd.weight)": a tied embedding
  // takes the output head's rule.
  if (r == Role::output || (r == Role::token_embd && a.tied_embeddings)) {
    if (!row_divides(types, nt, t.ne0)) return T::Q8_0;  // "arch == FALCON || nx % qk_k != 0"
    if (is_ftype(f, {F::IQ2_XXS, F::IQ2_XS, F::IQ3_XXS, F::IQ1_S, F::IQ2_S, F::IQ2_M, F::IQ1_M})) return T::Q5_K;
    return nt == T::Q8_0 ? T::Q8_0 : T::Q6_K;  // "else if (new_type != GGML_TYPE_Q8_0) new_type = Q6_K"
  }
  if (r == Role::token_embd) {
    if (is_ftype(f, {F::IQ2_XXS, F::IQ2_XS, F::IQ1_S, F::IQ1_M})) return T::Q2_K;
    if (iq2_s_m || f == F::IQ3_XXS) return T::IQ3_S;
    return nt;
  }
  if (iq1_iq2) {
    // One branch for the 1- and 2-bit presets; tensors it does not name keep the default type.
    if (r == Role::attn_v) {
      if (a.n_gqa() >= 4 || n_expert >= 4) return T::Q4_K;
      return iq2_s_m ? T::IQ3_S : T::Q2_K;
    }
    if (n_expert == 8 && r == Role::attn_k) return T::Q4_K;
    if (is_ffn_down(r)) {
      // "qs.i_ffn_down < qs.n_ffn_down/8": a count of ffn_down tensors, not layers, so in an MoE
      // layer the routed and the shared experts' ffn_down both count.
      if (i_ffn_down < n_layer / 8) return iq2_s_m ? T::IQ3_S : T::Q2_K;
      return nt;
    }
    if (r == Role::attn_output) {
      if (n_expert == 8) return T::Q5_K;
      if (f == F::IQ1_S || f == F::IQ1_M) return T::IQ2_XXS;
      if (iq2_s_m) return T::IQ3_S;
    }
    return nt;
  }
  switch (r) {
    case Role::attn_v: {
      const bool gqa4 = a.n_gqa() >= 4;
      if (f == F::Q2_K) nt = gqa4 ? T::Q4_K : T::Q3_K;
      else if (f == F::IQ3_XXS) nt = gqa4 ? T::Q4_K : !imatrix ? T::IQ3_S : T::IQ3_XXS;
      else if ((f == F::IQ3_XS || f == F::IQ3_S) && gqa4) nt = T::Q4_K;
      else if (f == F::IQ3_M) nt = T::Q4_K;
      else if (f == F::Q3_K_M) nt = i_attention_wv < 2 ? T::Q5_K : T::Q4_K;
      else if (f == F::Q3_K_L) nt = T::Q5_K;
      else if ((f == F::IQ4_NL || f == F::IQ4_XS) && gqa4) nt = T::Q5_K;
      else if ((f == F::Q4_K_M || f == F::Q5_K_M) && use_more_bits(i_attention_wv, n_attention_wv)) nt = T::Q6_K;
      else if (f == F::Q4_K_S && i_attention_wv < 4) nt = T::Q5_K;
      if (is_type_70b(a) && (nt == T::Q3_K || nt == T::Q4_K)) nt = T::Q5_K;
      if (n_expert == 8) nt = T::Q8_0;
      return nt;
    }
    case Role::attn_k:
      if (n_expert == 8) nt = T::Q8_0;
      else if (f == F::IQ3_XS) nt = T::IQ3_XXS;
      else if (f == F::IQ3_XXS) nt = T::IQ2_S;
      return nt;
    case Role::attn_qkv:
      // Phi-3's fused projection, "attn_qkv.weight": Q4_K for Q3_K_M/L and IQ3_M, Q5_K for Q4_K_M,
      // Q6_K for Q5_K_M.
      if (f == F::Q3_K_M || f == F::Q3_K_L || f == F::IQ3_M) nt = T::Q4_K;
      else if (f == F::Q4_K_M) nt = T::Q5_K;
      else if (f == F::Q5_K_M) nt = T::Q6_K;
      return nt;
    case Role::attn_q:  // only "attn_q.weight": MLA's attn_q_a / attn_q_b keep the default
      if (f == F::IQ3_XS) nt = T::IQ3_XXS;
      else if (f == F::IQ3_XXS) nt = T::IQ2_S;
      return nt;
    case Role::ffn_down:
    case Role::ffn_down_exps:
    case Role::ffn_down_shexp: {
      if (f == F::Q2_K) nt = T::Q3_K;
      else if (f == F::IQ3_XXS && !imatrix) nt = i_layer < n_layer / 8 ? T::Q4_K : T::Q3_K;
      else if (f == F::Q3_K_M) nt = i_layer < n_layer / 16 ? T::Q5_K : T::Q4_K;  // "arch != FALCON || use_more_bits" is true
      else if (f == F::IQ3_M && (i_layer < n_layer / 8 || (n_expert == 8 && use_more_bits(i_layer, n_layer)))) nt = T::Q4_K;
      else if (f == F::Q3_K_L) nt = T::Q5_K;
      else if (f == F::Q4_K_M) { if (use_more_bits(i_layer, n_layer)) nt = T::Q6_K; }
      else if (i_layer < n_layer / 8 && (f == F::IQ4_NL || f == F::IQ4_XS) && !imatrix) nt = T::Q5_K;
      else if (f == F::Q5_K_M && use_more_bits(i_layer, n_layer)) nt = T::Q6_K;
      else if (f == F::Q4_K_S && i_layer < n_layer / 8) nt = T::Q5_K;
      // "Guard against craziness in the first few ffn_down layers that can happen even with
      // imatrix for Q4_0/Q5_0" (only with an imatrix, so plain quantizations stay reproducible).
      else if ((f == F::Q4_0 || f == F::Q5_0) && imatrix && i_layer < n_layer / 8) nt = f == F::Q4_0 ? T::Q4_1 : T::Q5_1;
      return nt;
    }
    case Role::attn_output:
      if (n_expert == 8) {
        if (is_ftype(f, {F::Q2_K, F::IQ3_XS, F::IQ3_XXS, F::Q3_K_S, F::Q3_K_M, F::IQ4_NL, F::Q4_K_S, F::Q4_K_M,
                         F::IQ3_S, F::IQ3_M, F::IQ4_XS})) nt = T::Q5_K;
      } else {
        if (f == F::Q2_K) nt = T::Q3_K;
        else if (f == F::IQ3_XXS) nt = T::IQ3_S;
        else if (f == F::Q3_K_M) nt = T::Q4_K;
        else if (f == F::Q3_K_L) nt = T::Q5_K;
        else if (f == F::IQ3_M) nt = T::Q4_K;
      }
      return nt;
    default:
      // "ffn_gate" / "ffn_up" (dense, shared and routed): IQ3_XS gives the middle layers IQ3_XXS.
      if ((is_ffn_gate(r) || is_ffn_up(r)) && f == F::IQ3_XS && i_layer >= n_layer / 8 && i_layer < 7 * n_layer / 8) {
        return T::IQ3_XXS;
      }
      return nt;
  }
}

// When a row is not a multiple of the chosen type's block, llama.cpp falls back to a type with
// 32-value blocks ("using fallback quantization"), and to F16 if even that does not divide.
GgmlType fallback_type(GgmlType t, uint64_t ne0) {
  GgmlType r;
  switch (t) {
    case T::IQ1_S: case T::IQ1_M: case T::IQ2_XXS: case T::IQ2_XS: case T::IQ2_S: case T::IQ3_XXS:
    case T::IQ3_S: case T::IQ4_XS: case T::Q2_K: case T::Q3_K: r = T::IQ4_NL; break;
    case T::TQ1_0: case T::TQ2_0: r = T::Q4_0; break;
    case T::Q4_K: r = T::Q5_0; break;
    case T::Q5_K: r = T::Q5_1; break;
    case T::Q6_K: r = T::Q8_0; break;
    default: r = T::F16; break;
  }
  if (ne0 % 32 != 0) r = T::F16;
  return r;
}

bool is_quantized(GgmlType t) { return t != T::F32 && t != T::F16 && t != T::BF16; }

// alignment is a power of two (checked when the catalogue is read).
uint64_t align_up(uint64_t n, uint64_t alignment) { return (n + alignment - 1) & ~(alignment - 1); }


bool is_attn_linear(Role r) {
  switch (r) {
    case Role::attn_q: case Role::attn_k: case Role::attn_v: case Role::attn_output: case Role::attn_q_a:
    case Role::attn_q_b: case Role::attn_kv_a_mqa: case Role::attn_kv_b: case Role::attn_k_b: case Role::attn_v_b:
    case Role::attn_qkv: case Role::indexer_attn_q_b: case Role::indexer_attn_k: case Role::indexer_proj:
      return true;
    default:
      return false;
  }
}

// Whether a mix group names tensor t, and how specific the group is (a part of the FFN beats the
// whole of it).
bool group_matches(const ModelArch& a, MixGroup g, Role r, int* specificity) {
  *specificity = 0;
  switch (g) {
    case MixGroup::token_embd: return r == Role::token_embd;
    case MixGroup::output: return r == Role::output || (a.tied_embeddings && r == Role::token_embd);
    case MixGroup::attn: return is_attn_linear(r);
    case MixGroup::ffn: return r == Role::ffn_gate || r == Role::ffn_up || r == Role::ffn_down;
    case MixGroup::ffn_gate_up: *specificity = 1; return r == Role::ffn_gate || r == Role::ffn_up;
    case MixGroup::ffn_down: *specificity = 1; return r == Role::ffn_down;
    case MixGroup::shexp: return r == Role::ffn_gate_shexp || r == Role::ffn_up_shexp || r == Role::ffn_down_shexp;
    case MixGroup::shexp_gate_up: *specificity = 1; return r == Role::ffn_gate_shexp || r == Role::ffn_up_shexp;
    case MixGroup::shexp_down: *specificity = 1; return r == Role::ffn_down_shexp;
    case MixGroup::exps: return role_is_routed_expert(r);
    case MixGroup::exps_gate_up: *specificity = 1; return r == Role::ffn_gate_exps || r == Role::ffn_up_exps;
    case MixGroup::exps_down: *specificity = 1; return r == Role::ffn_down_exps;
  }
  return false;
}

// The mix's type for tensor t: the most specific matching rule (a layer range beats none, a part
// beats its whole group), the last of equally specific ones.
const MixRule* mix_rule_for(const ModelArch& a, const std::vector<MixRule>& mix, const Tensor& t) {
  const MixRule* best = nullptr;
  int best_score = -1;
  for (const MixRule& m : mix) {
    int spec = 0;
    if (!group_matches(a, m.group, t.role, &spec)) continue;
    const bool ranged = m.first >= 0;
    if (ranged && (t.layer < m.first || t.layer > m.last)) continue;
    const int score = (ranged ? 2 : 0) + spec;
    if (score >= best_score) {
      best = &m;
      best_score = score;
    }
  }
  return best;
}

bool keeps_f32(const Tensor& t) {
  // convert_hf_to_gguf.py writes 1-D tensors, norms, biases and the MoE router in F32, and
  // llama-quantize leaves them alone ("quantize only 2D and 3D tensors", "do not quantize norm
  // tensors", "do not quantize expert gating tensors", names not ending in "weight").
  return t.n_dims == 1 || role_is_bias(t.role) || t.role == Role::ffn_gate_inp || t.role == Role::ffn_gate_inp_shexp;
}

GgmlType with_fallback(const GgmlTypeTable& types, GgmlType nt, uint64_t ne0, bool* fell_back) {
  if (is_quantized(nt) && !row_divides(types, nt, ne0)) {
    if (fell_back) *fell_back = true;
    return fallback_type(nt, ne0);
  }
  return nt;
}

}  // namespace

const char* quant_group(const QuantFormat& q) {
  if (!q.gguf) return "gpu";
  if (!q.mix.empty()) return "mix";
  return q.name.rfind("IQ", 0) == 0 ? "iq" : "k";
}

bool type_requires_imatrix(GgmlType ty, const Tensor& t) {
  // llama_model_quantize_impl: "Missing importance matrix for tensor %s in a very low-bit
  // quantization" for IQ2_XXS, IQ2_XS, IQ2_S, IQ1_S, and IQ1_M except token_embd / output.
  if (ty == T::IQ2_XXS || ty == T::IQ2_XS || ty == T::IQ2_S || ty == T::IQ1_S) return true;
  return ty == T::IQ1_M && t.role != Role::token_embd && t.role != Role::output;
}

int count_attention_wv(const std::vector<Tensor>& tensors) {
  int n = 0;
  for (const Tensor& t : tensors) n += t.role == Role::attn_v || t.role == Role::attn_qkv || t.role == Role::attn_kv_b;
  return n;
}

int count_attention_wv(const std::vector<TensorGroup>& groups) {
  int n = 0;
  for (const TensorGroup& g : groups) n += (g.tensor.role == Role::attn_v || g.tensor.role == Role::attn_qkv || g.tensor.role == Role::attn_kv_b) ? int(g.count) : 0;
  return n;
}

GgmlType gguf_tensor_type(const ModelArch& a, const QuantFormat& q, const Tensor& t, const GgmlTypeTable& types,
                          int i_attention_wv, int n_attention_wv, bool imatrix, bool* fell_back, int i_ffn_down) {
  if (fell_back) *fell_back = false;
  if (keeps_f32(t)) return T::F32;
  if (!is_quantized(q.default_type)) {
    // convert_hf_to_gguf.py (GptOssModel) copies gpt-oss's MXFP4 expert blocks as they are, so
    // its F16/BF16 files keep the experts in MXFP4.
    return a.checkpoint.method == "mxfp4" && role_is_routed_expert(t.role) && t.n_dims == 3 ? T::MXFP4 : q.default_type;
  }
  const GgmlType nt = pick_type(a, q, t, types, i_attention_wv, n_attention_wv, imatrix, i_ffn_down < 0 ? t.layer : i_ffn_down);
  return with_fallback(types, nt, t.ne0, fell_back);
}

GgmlType GgufTypeWalker::next(const Tensor& t, uint64_t count, bool* fell_back, bool* mixed) {
  if (fell_back) *fell_back = false;
  if (mixed) *mixed = false;
  if (keeps_f32(t)) return T::F32;
  GgmlType nt = gguf_tensor_type(a_, q_, t, types_, i_attention_wv_, n_attention_wv_, imatrix_, fell_back, i_ffn_down_);
  // The counters advance for every tensor the rules see, whatever a mix then does with it.
  if (t.role == Role::attn_v) i_attention_wv_ += int(count);
  if (is_ffn_down(t.role)) i_ffn_down_ += int(count);
  if (!q_.mix.empty()) {
    if (const MixRule* m = mix_rule_for(a_, q_.mix, t)) {
      if (fell_back) *fell_back = false;
      nt = with_fallback(types_, m->type, t.ne0, fell_back);
      if (mixed) *mixed = true;
    }
  }
  return nt;
}

WeightBytes gguf_weight_bytes(const ModelArch& a, const std::vector<TensorGroup>& groups, const QuantFormat& q,
                              const GgmlTypeTable& types, uint32_t alignment, bool imatrix) {
  WeightBytes w;
  std::array<WeightPart, kGgmlTypeCount>& by_type = w.part_storage;  // indexed by type, compacted below
  GgufTypeWalker walker(a, q, types, imatrix, count_attention_wv(groups));
  for (const TensorGroup& g : groups) {
    const Tensor& t = g.tensor;
    bool fell_back = false, mixed = false;
    const GgmlType type = walker.next(t, g.count, &fell_back, &mixed);
    w.imatrix_required_tensors += type_requires_imatrix(type, t) ? g.count : 0;
    w.mixed_tensors += mixed ? g.count : 0;
    const uint64_t nbytes = t.rows() * row_bytes(types, type, t.ne0);
    WeightPart& p = by_type[size_t(type)];
    p.tensors += g.count;
    p.params += t.numel() * g.count;
    p.bytes += nbytes * g.count;
    w.bytes += nbytes * g.count;
    w.tensor_data_bytes += align_up(nbytes, alignment) * g.count;
    w.fallback_tensors += fell_back ? g.count : 0;
    w.tensor_info_bytes += g.info_bytes;
    w.n_tensors += g.count;
  }
  for (size_t i = 0; i < kGgmlTypeCount; ++i) {
    if (by_type[i].tensors == 0) continue;
    WeightPart p = by_type[i];
    p.label = ggml_type_name(static_cast<GgmlType>(i));
    by_type[i] = WeightPart{};
    w.add_part(p);  // n_parts <= i, so this never overwrites an unread slot
  }
  return w;
}

WeightBytes gpu_weight_bytes(const std::vector<TensorGroup>& groups, const QuantFormat& q) {
  WeightBytes w;
  WeightPart linear{"weight matrices", 0, 0, 0};
  WeightPart scales{"scales and zero points", 0, 0, 0};
  WeightPart other{"embeddings, output head, norms, router, biases", 0, 0, 0};
  for (const TensorGroup& g : groups) {
    const Tensor& t = g.tensor;
    if (!role_is_parameter(t.role)) continue;
    w.n_tensors += g.count;
    if (!role_is_linear(t.role) || q.linear_bits == q.other_bits || (q.experts_only && !role_is_routed_expert(t.role))) {
      other.tensors += g.count;
      other.params += t.numel() * g.count;
      other.bytes += t.numel() * q.other_bits / 8 * g.count;
      continue;
    }
    linear.tensors += g.count;
    linear.params += t.numel() * g.count;
    linear.bytes += t.numel() * q.linear_bits / 8 * g.count;
    const uint64_t rows = t.rows();  // output features (x experts)
    const uint64_t cols = t.ne0;     // input features
    uint64_t scale_count = 0;
    uint64_t zero_bits = 0;
    switch (q.scale_block) {
      case ScaleBlock::none: break;
      case ScaleBlock::tensor: scale_count = t.ne2; break;  // one per expert matrix
      case ScaleBlock::row: scale_count = rows; break;
      case ScaleBlock::block2d:
        // DeepSeek's weight_scale_inv: [ceil(out/128), ceil(in/128)] per matrix.
        scale_count = t.ne2 * ((t.ne1 + q.block_rows - 1) / q.block_rows) * ((cols + q.block_cols - 1) / q.block_cols);
        break;
      case ScaleBlock::group: {
        const uint64_t groups_per_row = (cols + q.group_size - 1) / q.group_size;
        scale_count = rows * groups_per_row;
        zero_bits = scale_count * q.zero_bits;
        break;
      }
    }
    if (scale_count) {
      scales.tensors += g.count;
      scales.bytes += (scale_count * q.scale_bytes + (zero_bits + 7) / 8) * g.count;
    }
  }
  for (WeightPart* p : {&linear, &scales, &other}) {
    if (p->tensors == 0) continue;
    w.bytes += p->bytes;
    w.add_part(*p);
  }
  w.tensor_data_bytes = w.bytes;
  return w;
}

WeightBytes gguf_weight_bytes(const ModelArch& a, const std::vector<Tensor>& tensors, const QuantFormat& q,
                              const GgmlTypeTable& types, uint32_t alignment, bool imatrix) {
  return gguf_weight_bytes(a, group_tensors(tensors), q, types, alignment, imatrix);
}

WeightBytes gpu_weight_bytes(const std::vector<Tensor>& tensors, const QuantFormat& q) {
  return gpu_weight_bytes(group_tensors(tensors), q);
}

}  // namespace vramcalc
