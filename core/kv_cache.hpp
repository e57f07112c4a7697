#pragma once
// KV cache size by attention kind and runtime: GQA caches n_head_kv heads; DeepSeek's MLA caches
// the compressed latent where the runtime supports it and full per-head K/V where it does not;
// DeepSeek-V3.2 adds its indexer's keys; sliding-window layers hold only as many tokens as each
// runtime keeps for them.
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

// DeepSeek-V3.2's indexer key cache per token and layer: index_head_dim FP8 values plus one
// float32 scale per 128 of them, whatever the KV type of the attention cache (0 for other models).
uint64_t indexer_row_bytes(const ModelArch& a);

// Bytes one token takes in one layer: the K and V rows plus the indexer keys.
uint64_t kv_layer_row_bytes(const ModelArch& a, MlaCache mla, const KvType& type);

struct KvCells {
  uint64_t cells = 0;      // token slots of full-attention layers (all sequences)
  uint64_t cells_swa = 0;  // token slots of sliding-window layers (== cells when none slide)
};

// The token slots a runtime allocates for context x sequences:
// - llama.cpp: n_ctx = context x sequences padded, one unified cache; sliding layers keep
//   n_swa x sequences + n_ubatch cells (llama-kv-cache-iswa.cpp), Phi-3's window is ignored;
// - vLLM: whole blocks per sequence; a sliding layer needs window - 1 + max_num_batched_tokens
//   tokens plus one block, a chunked one chunk + max_num_batched_tokens
//   (vllm/v1/kv_cache_interface.py SlidingWindowSpec / ChunkedLocalAttentionSpec);
// - SGLang: its sliding-window pool holds swa_full_tokens_ratio (0.8) of the full pool's tokens.
KvCells kv_cells(const ModelArch& a, const RuntimeProfile& rt, uint64_t context, uint64_t sequences, uint64_t ubatch,
                 bool flash_attn);

struct KvCache {
  uint64_t bytes_per_token = 0;  // all layers, one token
  uint64_t cells = 0;            // token slots allocated in full-attention layers (all sequences)
  uint64_t cells_swa = 0;        // token slots in sliding-window layers
  uint64_t k_bytes = 0;
  uint64_t v_bytes = 0;
  uint64_t indexer_bytes = 0;    // DeepSeek-V3.2 indexer keys
  uint64_t bytes = 0;
};

// cells: token slots the runtime allocates (context x sequences after its padding);
// cells_swa: slots for sliding-window layers.
KvCache kv_cache(const ModelArch& a, MlaCache mla, const KvType& type, uint64_t cells, uint64_t cells_swa);

}  // namespace vramcalc
