#pragma once
// Weight storage by format: GGUF types with their block layouts, llama-quantize's presets as the
// per-tensor mixes it really writes, and the serving formats of GPU runtimes.
#include <array>
#include <span>
#include <cstdint>
#include <string>
#include <vector>

#include "arch.hpp"
#include "tensors.hpp"

namespace vramcalc {

// ggml tensor types used by the presets (names match data/quant_formats.json and ggml).
enum class GgmlType : uint8_t {
  F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K,
  IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_NL, IQ4_XS, TQ1_0, TQ2_0, MXFP4, COUNT
};
constexpr size_t kGgmlTypeCount = static_cast<size_t>(GgmlType::COUNT);
const char* ggml_type_name(GgmlType t);

struct GgmlTypeInfo {
  uint32_t block_size = 0;  // values per block (a power of two for every ggml type)
  uint32_t type_size = 0;   // bytes per block
  uint32_t block_shift = 0; // log2(block_size)
};
using GgmlTypeTable = std::array<GgmlTypeInfo, kGgmlTypeCount>;

// llama_ftype values of llama-quantize's presets that the rules distinguish.
enum class Ftype : uint8_t {
  Q8_0, Q6_K, Q5_K_M, Q5_K_S, Q5_0, Q5_1, Q4_K_M, Q4_K_S, Q4_0, Q4_1, IQ4_XS,
  Q3_K_L, Q3_K_M, Q3_K_S, Q2_K, F16, BF16, MXFP4_MOE
};

enum class ScaleBlock : uint8_t { none, tensor, row, block2d, group };

struct QuantFormat {
  std::string name;
  bool gguf = false;
  double nominal_bits = 0;  // for the naive params x bits / 8 figure
  std::string description;
  // GGUF presets
  Ftype ftype = Ftype::Q8_0;
  GgmlType default_type = GgmlType::Q8_0;
  // GPU formats
  uint32_t linear_bits = 16;
  uint32_t other_bits = 16;
  ScaleBlock scale_block = ScaleBlock::none;
  uint32_t scale_bytes = 0;
  uint32_t block_rows = 0, block_cols = 0;  // block2d
  uint32_t group_size = 0;                  // group
  uint32_t zero_bits = 0;                   // group: packed zero point per group
  bool experts_only = false;                // only routed experts take linear_bits (MXFP4 gpt-oss)
};

struct WeightPart {
  const char* label = "";  // a ggml type name ("Q4_K") or a GPU-format part ("weight matrices")
  uint64_t tensors = 0;
  uint64_t params = 0;
  uint64_t bytes = 0;
};

struct WeightBytes {
  uint64_t bytes = 0;             // in memory (sum of tensor sizes)
  uint64_t tensor_data_bytes = 0; // in a GGUF file: each tensor padded to the alignment
  uint64_t tensor_info_bytes = 0; // GGUF tensor-info records
  uint64_t n_tensors = 0;
  uint64_t fallback_tensors = 0;  // rows not a multiple of the block: llama.cpp's fallback type
  // Bytes by ggml type or GPU-format part (a fixed array: an estimate allocates nothing).
  std::array<WeightPart, kGgmlTypeCount> part_storage{};
  size_t n_parts = 0;
  std::span<const WeightPart> parts() const { return {part_storage.data(), n_parts}; }
  void add_part(const WeightPart& p) { part_storage[n_parts++] = p; }
};

// Which type llama-quantize gives one tensor (llama.cpp src/llama-quant.cpp, llama_tensor_get_type).
// i_attention_wv counts the attn_v tensors seen so far, n_attention_wv all of them.
// imatrix: whether llama-quantize was given an importance matrix (it changes a few choices).
GgmlType gguf_tensor_type(const ModelArch& a, const QuantFormat& q, const Tensor& t, const GgmlTypeTable& types,
                          int i_attention_wv, int n_attention_wv, bool imatrix, bool* fell_back);

WeightBytes gguf_weight_bytes(const ModelArch& a, const std::vector<TensorGroup>& groups, const QuantFormat& q,
                              const GgmlTypeTable& types, uint32_t alignment, bool imatrix);
WeightBytes gpu_weight_bytes(const std::vector<TensorGroup>& groups, const QuantFormat& q);

// Conveniences over an ungrouped tensor list.
WeightBytes gguf_weight_bytes(const ModelArch& a, const std::vector<Tensor>& tensors, const QuantFormat& q,
                              const GgmlTypeTable& types, uint32_t alignment, bool imatrix);
WeightBytes gpu_weight_bytes(const std::vector<Tensor>& tensors, const QuantFormat& q);

// Bytes of one row of ne0 values of type t (ggml_row_size).
inline uint64_t row_bytes(const GgmlTypeTable& types, GgmlType t, uint64_t ne0) {
  const GgmlTypeInfo& i = types[static_cast<size_t>(t)];
  return (ne0 >> i.block_shift) * i.type_size;
}

}  // namespace vramcalc
