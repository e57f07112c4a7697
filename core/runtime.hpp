#pragma once
// What a runtime allocates besides weights and KV cache: llama.cpp's compute buffers (sized by a
// worst-case graph of n_ubatch tokens over the whole cache), its output buffer, vLLM's activation
// peak and CUDA graphs, and the CUDA context.
#include <cstdint>

#include "arch.hpp"
#include "catalog.hpp"

namespace vramcalc {

struct LlamaCppBuffers {
  uint64_t compute_bytes = 0;  // device compute buffer (largest live set of the reserve graph)
  uint64_t output_bytes = 0;   // logits buffer in host memory
  // The phases whose peak sets the compute buffer, for the explanation (without the graph inputs
  // alive beside them: the KQ mask and positions).
  uint64_t attention_peak = 0;
  uint64_t ffn_peak = 0;
  uint64_t output_peak = 0;
};

// n_kv: cache cells the reserve graph attends over; n_ubatch: tokens per micro-batch;
// n_seq: sequences (each needs one row of logits in the output buffer).
LlamaCppBuffers llama_cpp_buffers(const ModelArch& a, const RuntimeProfile& r, MlaCache mla, uint64_t n_kv,
                                  uint64_t n_ubatch, uint64_t n_seq, bool flash_attn);

struct VllmBuffers {
  uint64_t activation_bytes = 0;  // peak of the profile run
  uint64_t non_torch_bytes = 0;
  uint64_t cuda_graph_bytes = 0;
};

VllmBuffers vllm_buffers(const ModelArch& a, const RuntimeProfile& r, uint32_t activation_bytes_per_value);

}  // namespace vramcalc
