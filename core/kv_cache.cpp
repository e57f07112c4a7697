#include "kv_cache.hpp"

namespace vramcalc {

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

KvCache kv_cache(const ModelArch& a, MlaCache mla, const KvType& type, uint64_t cells, uint64_t cells_swa) {
  const KvLayerElems e = kv_layer_elems(a, mla);
  const uint64_t k_row = kv_row_bytes(type, e.k);
  const uint64_t v_row = e.v ? kv_row_bytes(type, e.v) : 0;
  const uint64_t n_swa = a.sliding_window ? a.n_layer_swa : 0;
  const uint64_t n_full = a.n_layer - n_swa;
  KvCache kv;
  kv.bytes_per_token = uint64_t(a.n_layer) * (k_row + v_row);
  kv.cells = cells;
  kv.cells_swa = n_swa ? cells_swa : 0;
  kv.k_bytes = k_row * (n_full * cells + n_swa * kv.cells_swa);
  kv.v_bytes = v_row * (n_full * cells + n_swa * kv.cells_swa);
  kv.bytes = kv.k_bytes + kv.v_bytes;
  return kv;
}

}  // namespace vramcalc
