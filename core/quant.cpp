#include "quant.hpp"


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

// The rules of llama_tensor_get_type (ggml-org/llama.cpp src/llama-quant.cpp, as of 2025; the
// name-matching version that produced the published R1-family GGUFs). Only the branches reachable
// by the presets in data/quant_formats.json are implemented.
GgmlType pick_type(const ModelArch& a, const QuantFormat& q, const Tensor& t, const GgmlTypeTable& types,
                   int i_attention_wv, int n_attention_wv, bool imatrix) {
  const F f = q.ftype;
  GgmlType nt = q.default_type;
  const uint32_t n_expert = a.n_expert;
  // Layer index for ffn_down: MoE models parse it from the name ("blk.%d."), dense models count
  // ffn_down tensors in file order, which is the block index (weight_name_comparer sorts by block).
  const int i_layer = t.layer;
  const int n_layer = static_cast<int>(a.n_layer);

  if (f == F::MXFP4_MOE) {
    // "MoE tensors -> MXFP4, other tensors -> Q8_0", the output head Q8_0 (llama_tensor_get_type).
    return t.ne2 > 1 ? T::MXFP4 : T::Q8_0;
  }
  switch (t.role) {
    case Role::attn_qkv:
      // Phi-3's fused projection: "attn_qkv.weight" gets Q4_K for Q3_K_M/L, Q5_K for Q4_K_M and
      // Q6_K for Q5_K_M.
      if (f == F::Q3_K_M || f == F::Q3_K_L) nt = T::Q4_K;
      else if (f == F::Q4_K_M) nt = T::Q5_K;
      else if (f == F::Q5_K_M) nt = T::Q6_K;
      return nt;
    case Role::output: {
      // "if (arch == LLM_ARCH_FALCON || nx % qk_k != 0) new_type = GGML_TYPE_Q8_0; ...
      //  else if (new_type != GGML_TYPE_Q8_0) new_type = GGML_TYPE_Q6_K;"
      if (!row_divides(types, nt, t.ne0)) return T::Q8_0;
      return nt == T::Q8_0 ? T::Q8_0 : T::Q6_K;
    }
    case Role::token_embd:
      if (a.tied_embeddings) {  // no output.weight: token_embd takes the output rule
        if (!row_divides(types, nt, t.ne0)) return T::Q8_0;
        return nt == T::Q8_0 ? T::Q8_0 : T::Q6_K;
      }
      return nt;  // the presets here keep token_embd at the default type
    case Role::attn_v: {
      if (f == F::Q2_K) nt = a.n_gqa() >= 4 ? T::Q4_K : T::Q3_K;
      else if (f == F::Q3_K_M) nt = i_attention_wv < 2 ? T::Q5_K : T::Q4_K;
      else if (f == F::Q3_K_L) nt = T::Q5_K;
      else if (f == F::IQ4_XS && a.n_gqa() >= 4) nt = T::Q5_K;
      else if ((f == F::Q4_K_M || f == F::Q5_K_M) && use_more_bits(i_attention_wv, n_attention_wv)) nt = T::Q6_K;
      else if (f == F::Q4_K_S && i_attention_wv < 4) nt = T::Q5_K;
      if (is_type_70b(a) && (nt == T::Q3_K || nt == T::Q4_K)) nt = T::Q5_K;
      if (n_expert == 8) nt = T::Q8_0;
      return nt;
    }
    case Role::attn_k:
      if (n_expert == 8) nt = T::Q8_0;
      return nt;
    case Role::ffn_down:
    case Role::ffn_down_exps:
    case Role::ffn_down_shexp: {  // every name containing "ffn_down"
      if (f == F::Q2_K) nt = T::Q3_K;
      else if (f == F::Q3_K_M) nt = i_layer < n_layer / 16 ? T::Q5_K : T::Q4_K;  // "arch != FALCON || use_more_bits" is true
      else if (f == F::Q3_K_L) nt = T::Q5_K;
      else if (f == F::Q4_K_M) { if (use_more_bits(i_layer, n_layer)) nt = T::Q6_K; }
      else if (i_layer < n_layer / 8 && f == F::IQ4_XS && !imatrix) nt = T::Q5_K;
      else if (f == F::Q5_K_M && use_more_bits(i_layer, n_layer)) nt = T::Q6_K;
      else if (f == F::Q4_K_S && i_layer < n_layer / 8) nt = T::Q5_K;
      // "Guard against craziness in the first few ffn_down layers that can happen even with
      // imatrix for Q4_0/Q5_0" (only with an imatrix, so plain quantizations stay reproducible).
      else if ((f == F::Q4_0 || f == F::Q5_0) && imatrix && i_layer < n_layer / 8) nt = f == F::Q4_0 ? T::Q4_1 : T::Q5_1;
      return nt;
    }
    case Role::attn_output:
      if (n_expert == 8) {
        if (f == F::Q2_K || f == F::Q3_K_S || f == F::Q3_K_M || f == F::Q4_K_S || f == F::Q4_K_M || f == F::IQ4_XS) nt = T::Q5_K;
      } else {
        if (f == F::Q2_K) nt = T::Q3_K;
        else if (f == F::Q3_K_M) nt = T::Q4_K;
        else if (f == F::Q3_K_L) nt = T::Q5_K;
      }
      return nt;
    default:
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

}  // namespace

GgmlType gguf_tensor_type(const ModelArch& a, const QuantFormat& q, const Tensor& t, const GgmlTypeTable& types,
                          int i_attention_wv, int n_attention_wv, bool imatrix, bool* fell_back) {
  if (fell_back) *fell_back = false;
  // convert_hf_to_gguf.py writes 1-D tensors, norms, biases and the MoE router in F32, and
  // llama-quantize leaves them alone ("quantize only 2D and 3D tensors", "do not quantize norm
  // tensors", "do not quantize expert gating tensors", names not ending in "weight").
  if (t.n_dims == 1 || role_is_bias(t.role) || t.role == Role::ffn_gate_inp || t.role == Role::ffn_gate_inp_shexp) return T::F32;
  if (!is_quantized(q.default_type)) {
    // convert_hf_to_gguf.py (GptOssModel) copies gpt-oss's MXFP4 expert blocks as they are, so
    // its F16/BF16 files keep the experts in MXFP4.
    return a.checkpoint.method == "mxfp4" && role_is_routed_expert(t.role) && t.n_dims == 3 ? T::MXFP4 : q.default_type;
  }
  GgmlType nt = pick_type(a, q, t, types, i_attention_wv, n_attention_wv, imatrix);
  if (is_quantized(nt) && !row_divides(types, nt, t.ne0)) {
    nt = fallback_type(nt, t.ne0);
    if (fell_back) *fell_back = true;
  }
  return nt;
}

WeightBytes gguf_weight_bytes(const ModelArch& a, const std::vector<TensorGroup>& groups, const QuantFormat& q,
                              const GgmlTypeTable& types, uint32_t alignment, bool imatrix) {
  WeightBytes w;
  std::array<WeightPart, kGgmlTypeCount>& by_type = w.part_storage;  // indexed by type, compacted below
  int n_attention_wv = 0;
  for (const TensorGroup& g : groups) n_attention_wv += g.tensor.role == Role::attn_v ? int(g.count) : 0;
  int i_attention_wv = 0;
  for (const TensorGroup& g : groups) {
    const Tensor& t = g.tensor;
    bool fell_back = false;
    const GgmlType type = gguf_tensor_type(a, q, t, types, i_attention_wv, n_attention_wv, imatrix, &fell_back);
    if (t.role == Role::attn_v) ++i_attention_wv;  // attn_v tensors are never merged
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
