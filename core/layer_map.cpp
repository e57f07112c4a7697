// The weights and KV cache of an estimate by transformer block: what the planner places on each
// device (planner.hpp, LayerMap).
#include <algorithm>

#include "catalog.hpp"
#include "kv_cache.hpp"
#include "memo.hpp"
#include "planner.hpp"

namespace vramcalc {

uint64_t LayerMap::weights_total() const {
  uint64_t s = token_embd + output;
  for (const LayerWeights& l : layers) s += l.total();
  return s;
}

uint64_t LayerMap::kv_total() const {
  uint64_t s = 0;
  for (uint64_t b : kv) s += b;
  return s;
}

namespace {

// Tensors that vLLM's DeepSeek/Llama/Qwen2 models keep whole on every tensor-parallel rank:
// norms and biases (1-D), the MoE router and expert bias (ReplicatedLinear gate), and MLA's
// down-projections q_a_proj / kv_a_proj_with_mqa (ReplicatedLinear in
// vllm/model_executor/models/deepseek_v2.py DeepseekV2MLAAttention).
bool tp_replicated(const Tensor& t) {
  if (t.n_dims == 1) return true;
  switch (t.role) {
    case Role::ffn_gate_inp: case Role::ffn_gate_inp_shexp: case Role::exp_probs_b:
    case Role::attn_q_a: case Role::attn_kv_a_mqa:
      return true;
    default:
      return false;
  }
}

void add_to_layer(LayerWeights& l, const Tensor& t, uint64_t bytes) {
  switch (t.role) {
    case Role::ffn_gate: case Role::ffn_up: case Role::ffn_down:
      l.dense_ffn += bytes; break;
    case Role::ffn_gate_exps: case Role::ffn_up_exps: case Role::ffn_down_exps:
      l.routed += bytes; break;
    case Role::ffn_gate_inp_shexp: case Role::ffn_gate_shexp: case Role::ffn_up_shexp: case Role::ffn_down_shexp:
      l.shared += bytes; break;
    case Role::ffn_norm: case Role::ffn_gate_inp: case Role::exp_probs_b:
      l.router += bytes; break;
    default:
      l.attention += bytes; break;
  }
  if (tp_replicated(t)) l.replicated += bytes;
}

// The weights by layer (no KV cache) of an estimate's model and format.
LayerMap layer_weights(const Estimate& e) {
  const ModelArch& a = *e.arch;
  const Catalog& cat = catalog();
  const bool split = e.runtime->gguf_split_kv_b && e.quant->gguf;
  std::vector<Tensor> custom;
  const std::vector<Tensor>* tensors;
  if (e.catalog_model) {
    tensors = split ? &e.catalog_model->tensors_split : &e.catalog_model->tensors_legacy;
  } else {
    custom = enumerate_tensors(a, TensorLayout{split});
    tensors = &custom;
  }
  LayerMap m;
  m.tied = a.tied_embeddings;
  m.layers.resize(a.n_layer);
  GgufTypeWalker walker(a, *e.quant, cat.ggml_types, e.imatrix, count_attention_wv(*tensors));
  // GPU formats: a tensor's size depends only on its role and shape; consecutive blocks repeat them.
  struct Memo { Role role; uint64_t ne0, ne1, ne2; uint64_t bytes; };
  std::vector<Memo> memo;
  for (const Tensor& t : *tensors) {
    uint64_t bytes = 0;
    if (e.quant->gguf) {
      const GgmlType type = walker.next(t);
      bytes = t.rows() * row_bytes(cat.ggml_types, type, t.ne0);
    } else {
      auto it = std::find_if(memo.begin(), memo.end(), [&](const Memo& x) {
        return x.role == t.role && x.ne0 == t.ne0 && x.ne1 == t.ne1 && x.ne2 == t.ne2;
      });
      if (it == memo.end()) {
        memo.push_back({t.role, t.ne0, t.ne1, t.ne2, gpu_weight_bytes(std::vector<Tensor>{t}, *e.quant).bytes});
        it = memo.end() - 1;
      }
      bytes = it->bytes;
    }
    if (t.layer >= 0) {
      add_to_layer(m.layers[size_t(t.layer)], t, bytes);
    } else if (t.role == Role::token_embd) {
      m.token_embd += bytes;
    } else {
      m.output += bytes;
      if (t.n_dims == 1) m.output_replicated += bytes;
    }
  }
  return m;
}

}  // namespace

LayerMap layer_map(const Estimate& e) {
  thread_local Memo<LayerMap> memo;
  const bool split = e.runtime->gguf_split_kv_b && e.quant->gguf;
  LayerMap m = memo.get(weights_memo_key(e, split), [&] { return layer_weights(e); });
  fill_layer_kv(m, e);
  return m;
}

void fill_layer_kv(LayerMap& m, const Estimate& e) {
  const ModelArch& a = *e.arch;
  // KV: the rows of kv_cache(), per layer, the sliding-window layers at their cap.
  const uint64_t row = kv_layer_row_bytes(a, e.mla, *e.kv_type);
  m.kv.resize(a.n_layer);
  m.kv_row.assign(a.n_layer, row);
  for (uint32_t il = 0; il < a.n_layer; ++il) m.kv[il] = row * (a.is_swa_layer(il) ? e.kv.cells_swa : e.kv.cells);
}

}  // namespace vramcalc
