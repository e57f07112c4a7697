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
  // n_kv = the whole cache. Buffers of one layer are reused by the next, so the compute buffer is
  // the largest set of tensors alive at one point of one layer, plus the graph inputs.
  const uint64_t n_tokens = std::min(n_kv, n_ubatch);
  const uint64_t n_embd = a.n_embd;
  const uint64_t n_head = a.n_head;

  // Inputs alive for the whole graph: token embeddings (F32), positions, the KQ mask
  // F32 [n_kv, pad(n_tokens, GGML_KQ_MASK_PAD)] and, with flash attention, its F16 copy.
  const uint64_t mask = n_kv * pad(n_tokens, r.kq_mask_pad) * (kF32 + (flash_attn ? kF16 : 0));
  const uint64_t inputs = n_embd * n_tokens * kF32 + n_tokens * 4 + mask;

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
  const uint64_t residual = 2 * n_embd * n_tokens * kF32;
  const uint64_t attention = residual + q + kq + kqv;

  // FFN: gate and up projections (F32), then their product. MoE layers compute the routed
  // experts' intermediates for n_expert_used experts per token plus router logits.
  uint64_t ffn = 0;
  if (a.n_ff) ffn = residual + 3 * uint64_t(a.n_ff) * n_tokens * kF32;
  if (a.is_moe()) {
    const uint64_t routed = 3 * uint64_t(a.n_ff_exp) * a.n_expert_used * n_tokens * kF32 +
                            uint64_t(a.n_expert) * n_tokens * kF32 * 2 +  // router logits and probabilities
                            n_embd * a.n_expert_used * n_tokens * kF32;   // weighted expert outputs
    const uint64_t shared = 3 * uint64_t(a.n_ff_shexp) * n_tokens * kF32;
    ffn = std::max(ffn, residual + routed + shared);
  }

  // Output: logits F32 [n_vocab, n_outputs] for every token of the micro-batch.
  const uint64_t output = (uint64_t(a.n_vocab) + n_embd) * n_tokens * kF32;

  LlamaCppBuffers b;
  b.attention_peak = attention;
  b.ffn_peak = ffn;
  b.output_peak = output;
  b.compute_bytes = inputs + std::max({attention, ffn, output});
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
