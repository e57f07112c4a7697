#include "kv_cache.hpp"

#include <algorithm>
#include <cmath>

namespace vramcalc {

namespace {
uint64_t pad(uint64_t n, uint64_t to) { return to > 1 ? (n + to - 1) / to * to : n; }
uint64_t cdiv(uint64_t n, uint64_t d) { return d ? (n + d - 1) / d : n; }
}  // namespace

KvLayerElems kv_layer_elems(const ModelArch& a, MlaCache mla) {
  if (a.attention == AttentionKind::MLA) {
    switch (mla) {
      case MlaCache::latent_k:  // compressed latent c_kv plus the shared RoPE key
        return {uint64_t(a.kv_lora_rank) + a.qk_rope_head_dim, 0};
      case MlaCache::latent_kv:  // the latent again as V (llama.cpp April 2025 - January 2026)
        return {uint64_t(a.kv_lora_rank) + a.qk_rope_head_dim, a.kv_lora_rank};
      case MlaCache::expanded:  // decompressed per-head keys and values
        return {uint64_t(a.n_head) * (uint64_t(a.qk_nope_head_dim) + a.qk_rope_head_dim),
                uint64_t(a.n_head) * a.v_head_dim};
    }
  }
  return {uint64_t(a.n_head_kv) * a.n_embd_head_k, uint64_t(a.n_head_kv) * a.n_embd_head_v};
}

uint64_t indexer_row_bytes(const ModelArch& a) {
  // deepseek-ai/DeepSeek-V3.2-Exp inference/model.py, Indexer: k_cache float8_e4m3fn
  // [.., index_head_dim] and k_scale_cache float32 [.., index_head_dim / 128]; vLLM's
  // DeepseekV32IndexerCache stores the same 128 + 4 bytes per token per layer.
  if (a.index_head_dim == 0) return 0;
  return uint64_t(a.index_head_dim) + (uint64_t(a.index_head_dim) + 127) / 128 * 4;
}

uint64_t kv_layer_row_bytes(const ModelArch& a, MlaCache mla, const KvType& type) {
  const KvLayerElems e = kv_layer_elems(a, mla);
  return kv_row_bytes(type, e.k) + (e.v ? kv_row_bytes(type, e.v) : 0) + indexer_row_bytes(a);
}

KvCells kv_cells(const ModelArch& a, const RuntimeProfile& rt, uint64_t context, uint64_t sequences, uint64_t ubatch,
                 bool flash_attn) {
  KvCells c;
  const uint64_t window = a.sliding_window;
  if (rt.is_llama_cpp()) {
    // -c context*sequences -np sequences with a unified cache (llama-server's default since PR
    // #16736); n_ctx is padded (256, or 32 without flash attention in older builds).
    const uint64_t padding = flash_attn ? rt.ctx_pad : rt.ctx_pad_no_fa;
    c.cells = pad(context * sequences, padding);
    const bool swa = window > 0 && !a.swa_disabled_llama_cpp;
    c.cells_swa = swa ? std::min(c.cells, pad(window * sequences + ubatch, padding)) : c.cells;
    return c;
  }
  const uint64_t block = std::max<uint32_t>(rt.block_size, 1);
  c.cells = pad(context, block) * sequences;
  if (window == 0) {
    c.cells_swa = c.cells;
  } else if (rt.swa_full_tokens_ratio > 0) {
    // SGLang's hybrid SWA pools: the sliding layers' pool is a fixed ratio of the full one.
    const uint64_t ratio_cells = uint64_t(std::ceil(double(c.cells) * rt.swa_full_tokens_ratio));
    c.cells_swa = std::min(c.cells, std::max(ratio_cells, std::min(context, window) * sequences));
  } else {
    const uint64_t batched = rt.max_num_batched_tokens;
    const uint64_t tokens = a.swa_kind == SwaKind::chunked ? std::min(window + batched, context)
                                                           : std::min(window - 1 + batched, context);
    const uint64_t blocks = cdiv(tokens, block) + (a.swa_kind == SwaKind::chunked ? 0 : 1);
    c.cells_swa = std::min(c.cells, blocks * block * sequences);
  }
  return c;
}

KvCache kv_cache(const ModelArch& a, MlaCache mla, const KvType& type, uint64_t cells, uint64_t cells_swa) {
  const KvLayerElems e = kv_layer_elems(a, mla);
  const uint64_t k_row = kv_row_bytes(type, e.k);
  const uint64_t v_row = e.v ? kv_row_bytes(type, e.v) : 0;
  const uint64_t idx_row = indexer_row_bytes(a);
  const uint64_t n_swa = a.sliding_window ? a.n_layer_swa : 0;
  const uint64_t n_full = a.n_layer - n_swa;
  KvCache kv;
  kv.bytes_per_token = uint64_t(a.n_layer) * (k_row + v_row + idx_row);
  kv.cells = cells;
  kv.cells_swa = n_swa ? cells_swa : 0;
  const uint64_t slots = n_full * cells + n_swa * kv.cells_swa;
  kv.k_bytes = k_row * slots;
  kv.v_bytes = v_row * slots;
  kv.indexer_bytes = idx_row * slots;
  kv.bytes = kv.k_bytes + kv.v_bytes + kv.indexer_bytes;
  return kv;
}

}  // namespace vramcalc
