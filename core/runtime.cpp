#include "runtime.hpp"

#include <algorithm>

namespace vramcalc {

namespace {
uint64_t pad(uint64_t n, uint64_t to) { return to ? (n + to - 1) / to * to : n; }
constexpr uint64_t kF32 = 4;
constexpr uint64_t kF16 = 2;
}  // namespace

LlamaCppBuffers llama_cpp_buffers(const ModelArch& a, const RuntimeProfile& r, MlaCache mla, uint64_t n_kv,
                                  uint64_t n_ubatch, uint64_t n_seq, bool flash_attn) {
  // Reserve graph (src/llama-context.cpp): n_tokens = min(n_ctx, n_ubatch), n_outputs = n_tokens,
  // n_kv = the whole cache. ggml-alloc (ggml/src/ggml-alloc.c, ggml_gallocr_alloc_graph_impl)
  // walks the graph in order, allocates each node's output (reusing its input's memory for
  // in-place ops such as add, mul, rms_norm, rope and soft_max) and frees every tensor, graph
  // inputs included, after its last consumer. One layer's tensors are freed before the next
  // layer's are allocated, so the compute buffer is the largest set of tensors alive at one point
  // of the graph: inside one layer's attention or FFN, or at the logits.
  const uint64_t n_tokens = std::min(n_kv, n_ubatch);
  const uint64_t n_embd = a.n_embd;
  const uint64_t n_head = a.n_head;
  const uint64_t act = n_embd * n_tokens * kF32;  // one hidden state; the first is the token embeddings

  // Graph inputs. Positions (I32) feed every layer's rope. The KQ mask, F32 [n_kv,
  // pad(n_tokens, GGML_KQ_MASK_PAD)], feeds every layer's softmax; with flash attention its only
  // consumer is a cast to F16 in the first layer, so the F32 copy is freed there and the F16 copy
  // lives to the last layer's attention. Neither is alive at the logits.
  const uint64_t mask_cells = n_kv * pad(n_tokens, r.kq_mask_pad);
  const uint64_t mask_f32 = mask_cells * kF32;
  const uint64_t mask_f16 = flash_attn ? mask_cells * kF16 : 0;
  const uint64_t mask_in_layers = flash_attn ? mask_f16 : mask_f32;
  const uint64_t positions = n_tokens * 4;

  // Attention. Query width per head: MLA in latent mode attends in the compressed space
  // (kv_lora_rank + rope) after absorbing W_UK; otherwise the per-head key size.
  const bool latent = a.attention == AttentionKind::MLA && mla != MlaCache::expanded;
  const uint64_t q_width = latent ? uint64_t(a.kv_lora_rank) + a.qk_rope_head_dim : a.n_embd_head_k;
  const uint64_t v_width = latent ? uint64_t(a.kv_lora_rank) : a.n_embd_head_v;
  const uint64_t q = n_head * q_width * n_tokens * kF32;
  const uint64_t kqv = n_head * v_width * n_tokens * kF32;
  // Without flash attention the scores KQ = K^T Q are materialised in F32 [n_kv, n_tokens, n_head];
  // the softmax runs in place on them (ggml_op_can_inplace(GGML_OP_SOFT_MAX)).
  uint64_t kq = flash_attn ? 0 : n_kv * n_tokens * n_head * kF32;
  // ik_llama.cpp -amb N: attention runs in head chunks so the K*Q scratch stays under N MiB.
  if (r.attn_max_batch_bytes && kq > r.attn_max_batch_bytes) kq = r.attn_max_batch_bytes;
  // The residual stream and the normed input stay alive across the block.
  const uint64_t residual = 2 * act;
  const uint64_t attention = residual + q + kq + kqv;
  // The first layer's cast of the mask: the F32 input and its F16 copy are both alive, beside the
  // embeddings and the first query (the cast is the flash-attention op's last source).
  const uint64_t first_cast = flash_attn ? act + q + mask_f32 + mask_f16 : 0;

  // FFN: gate and up projections (F32), then their product.
  uint64_t ffn = 0;
  if (a.n_ff) ffn = residual + 3 * uint64_t(a.n_ff) * n_tokens * kF32;
  if (a.is_moe()) {
    // A MoE layer in graph order (llm_graph_context::build_moe_ffn): router logits and
    // probabilities, the routed experts' gate, up and product for n_expert_used experts per token
    // and their weighted outputs; the routed intermediates are freed once the experts' sum
    // exists, before the shared experts run on the same normed input beside it.
    const uint64_t routed = 3 * uint64_t(a.n_ff_exp) * a.n_expert_used * n_tokens * kF32 +
                            uint64_t(a.n_expert) * n_tokens * kF32 * 2 +  // router logits and probabilities
                            n_embd * a.n_expert_used * n_tokens * kF32;   // weighted expert outputs
    const uint64_t shared = a.n_ff_shexp ? act + 3 * uint64_t(a.n_ff_shexp) * n_tokens * kF32 : 0;
    ffn = std::max({ffn, residual + routed, residual + shared});
  }

  // Output: the final norm (in place on the last hidden state) and the logits F32
  // [n_vocab, n_outputs] for every token of the micro-batch; the mask and positions are freed.
  const uint64_t output = (uint64_t(a.n_vocab) + n_embd) * n_tokens * kF32;

  LlamaCppBuffers b;
  b.attention_peak = attention;
  b.ffn_peak = ffn;
  b.output_peak = output;
  // The mask and positions are alive in every layer's attention and in every FFN but the last's.
  const uint64_t in_layers = mask_in_layers + positions;
  b.compute_bytes = std::max({attention + in_layers, ffn + (a.n_layer > 1 ? in_layers : 0), output, first_cast + positions});
  // Output buffer (llama_context::output_reserve): n_vocab x max(n_outputs, n_seq_max) F32 logits,
  // in pinned host memory.
  b.output_bytes = uint64_t(a.n_vocab) * n_seq * kF32;
  return b;
}

VllmBuffers vllm_buffers(const ModelArch& a, const RuntimeProfile& r, uint32_t act_bytes) {
  // vLLM profiles one forward pass of max_num_batched_tokens tokens and a sampler pass over
  // max_num_seqs rows of logits; the peak PyTorch allocation is reserved before the KV cache.
  const uint64_t tokens = r.max_num_batched_tokens;
  const uint64_t n_embd = a.n_embd;
  const uint64_t ff = a.is_moe() ? std::max<uint64_t>(uint64_t(a.n_ff_exp) * a.n_expert_used + a.n_ff_shexp, a.n_ff)
                                 : a.n_ff;
  // hidden states (residual, normed, attention output, q/kv projections) and the gate_up output
  // plus the activated product of the FFN.
  const uint64_t hidden = tokens * (4 * n_embd + 3 * ff) * act_bytes;
  const uint64_t logits = uint64_t(r.max_num_seqs) * a.n_vocab * kF32 * 2;  // logits and probabilities
  VllmBuffers v;
  v.activation_bytes = hidden + logits;
  v.non_torch_bytes = r.non_torch_bytes;
  v.cuda_graph_bytes = r.cuda_graph_bytes;
  return v;
}

}  // namespace vramcalc
