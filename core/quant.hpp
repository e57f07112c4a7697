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
  Q3_K_L, Q3_K_M, Q3_K_S, Q2_K, F16, BF16, MXFP4_MOE,
  IQ4_NL, IQ3_M, IQ3_S, IQ3_XS, IQ3_XXS, IQ2_M, IQ2_S, IQ2_XS, IQ2_XXS, IQ1_M, IQ1_S
};

// Tensor groups a custom mix names (core/mix.hpp parses the text form).
enum class MixGroup : uint8_t {
  token_embd, output, attn, ffn, ffn_gate_up, ffn_down, shexp, shexp_gate_up, shexp_down, exps, exps_gate_up, exps_down
};

// One rule of a custom mix: tensors of a group (optionally only layers first..last) get a type.
struct MixRule {
  MixGroup group = MixGroup::attn;
  int32_t first = -1, last = -1;  // layer range, both inclusive; -1: every layer
  GgmlType type = GgmlType::Q8_0;
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
  // Custom mixes: rules over the preset (ftype/default_type above) that pick a type per tensor group.
  std::vector<MixRule> mix;
  std::string mix_text;  // as the user wrote it (for the result's description)
  std::string source;    // a published recipe's source
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
  // Tensors llama-quantize writes only with an importance matrix (IQ1_S, IQ1_M, IQ2_XXS/XS/S):
  // without --imatrix it stops with "Missing importance matrix for tensor ...".
  uint64_t imatrix_required_tensors = 0;
  uint64_t mixed_tensors = 0;     // tensors whose type a custom mix set
  // Bytes by ggml type or GPU-format part (a fixed array: an estimate allocates nothing).
  std::array<WeightPart, kGgmlTypeCount> part_storage{};
  size_t n_parts = 0;
  std::span<const WeightPart> parts() const { return {part_storage.data(), n_parts}; }
  void add_part(const WeightPart& p) { part_storage[n_parts++] = p; }
};

// The picker group of a format: "k" (GGUF K-quants, legacy and float presets), "iq" (GGUF IQ
// presets), "gpu" (GPU serving formats), "mix" (a custom mix).
const char* quant_group(const QuantFormat& q);

// The llama.cpp version whose llama-quantize rules core/quant.cpp implements.
inline constexpr const char* kLlamaQuantVersion =
    "ggml-org/llama.cpp commit 8784689fee07c6daabf3487d24e1535534ef6e6b (src/llama-quant.cpp, name-matching llama_tensor_get_type)";

// Which type llama-quantize gives one tensor (llama.cpp src/llama-quant.cpp, llama_tensor_get_type).
// i_attention_wv counts the attn_v tensors seen so far, n_attention_wv the attn_v / attn_kv_b
// tensors of the model; i_ffn_down counts the ffn_down* tensors seen so far (-1: the tensor's
// layer, which is the same count for a dense model). imatrix: whether llama-quantize was given
// an importance matrix (it changes a few choices).
GgmlType gguf_tensor_type(const ModelArch& a, const QuantFormat& q, const Tensor& t, const GgmlTypeTable& types,
                          int i_attention_wv, int n_attention_wv, bool imatrix, bool* fell_back, int i_ffn_down = -1);

// Walks a model's tensors in file order (llama-quantize's order: by layer, then by name, which is
// the order enumerate_tensors gives the ffn_down and attn_v tensors) keeping the counters the
// rules need.
class GgufTypeWalker {
 public:
  GgufTypeWalker(const ModelArch& a, const QuantFormat& q, const GgmlTypeTable& types, bool imatrix, int n_attention_wv)
      : a_(a), q_(q), types_(types), imatrix_(imatrix), n_attention_wv_(n_attention_wv) {}
  // count: tensors of a group that share this one's type (the counters advance by count).
  GgmlType next(const Tensor& t, uint64_t count = 1, bool* fell_back = nullptr, bool* mixed = nullptr);

 private:
  const ModelArch& a_;
  const QuantFormat& q_;
  const GgmlTypeTable& types_;
  bool imatrix_;
  int n_attention_wv_;
  int i_attention_wv_ = 0;
  int i_ffn_down_ = 0;
};
// attn_v, attn_qkv and attn_kv_b tensors: llama-quantize's n_attention_wv.
int count_attention_wv(const std::vector<Tensor>& tensors);
int count_attention_wv(const std::vector<TensorGroup>& groups);
// Whether llama-quantize needs an importance matrix to write tensor t in type ty.
bool type_requires_imatrix(GgmlType ty, const Tensor& t);

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
