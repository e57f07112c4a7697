#pragma once
// KV cache size by attention kind and runtime: GQA caches n_head_kv heads; DeepSeek's MLA caches
// the compressed latent where the runtime supports it and full per-head K/V where it does not.
#include <cstdint>

#include "arch.hpp"
#include "catalog.hpp"

namespace vramcalc {

// Values cached per token in one layer.
struct KvLayerElems {
  uint64_t k = 0;
  uint64_t v = 0;
};
KvLayerElems kv_layer_elems(const ModelArch& a, MlaCache mla);

// Bytes of n values of a KV type (a row of ggml blocks).
inline uint64_t kv_row_bytes(const KvType& t, uint64_t n) {
  return (n + t.block_size - 1) / t.block_size * t.type_size;
}

struct KvCache {
  uint64_t bytes_per_token = 0;  // all layers, one token
  uint64_t cells = 0;            // token slots allocated in full-attention layers (all sequences)
  uint64_t cells_swa = 0;        // token slots in sliding-window layers
  uint64_t k_bytes = 0;
  uint64_t v_bytes = 0;
  uint64_t bytes = 0;
};

// cells: token slots the runtime allocates (context x sequences after its padding);
// cells_swa: slots for sliding-window layers.
KvCache kv_cache(const ModelArch& a, MlaCache mla, const KvType& type, uint64_t cells, uint64_t cells_swa);

}  // namespace vramcalc
