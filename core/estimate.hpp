#pragma once
// One estimate: the memory a model needs for a format, context, sequence count and runtime,
// as a breakdown whose parts sum to the total.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "arch.hpp"
#include "catalog.hpp"
#include "kv_cache.hpp"
#include "quant.hpp"
#include "runtime.hpp"

namespace vramcalc {

// The weights of a GGUF file the user has, read from its header (gguf.hpp): exact, so they
// replace the preset rules.
struct GgufFileWeights {
  uint64_t weights_bytes = 0;
  uint64_t file_bytes = 0;
  uint32_t file_type = 0;       // llama_ftype
  std::string name;             // general.name
  std::vector<WeightPart> parts;
  bool mla_legacy = false;      // DeepSeek GGUF with attn_kv_b (converted before April 2025)
  std::vector<std::string> files;  // the file names (every shard of a split file)
};

struct EstimateRequest {
  std::string model = "deepseek-r1-distill-qwen-7b";  // catalog id, ignored when custom is set
  std::optional<ModelArch> custom;                     // from a pasted config.json
  std::string custom_id;  // set when custom is a catalogue entry (the other models): its weights may be kept
  std::string quant = "Q4_K_M";  // or "checkpoint": the format the model's files ship in
  uint64_t context = 4096;  // tokens per sequence
  uint64_t sequences = 1;   // sequences decoded at once, each with the full context
  std::string kv_type;      // empty: the runtime's default
  std::string runtime = "llama.cpp";
  std::optional<bool> flash_attn;  // empty: the runtime's default
  uint64_t ubatch = 0;             // 0: the runtime's default
  bool imatrix = false;            // GGUF quantized with an importance matrix
  std::optional<GgufFileWeights> gguf_file;  // set with custom: the file's own tensors
  std::optional<QuantFormat> mix_format;     // a custom mix over the quant preset (mix.hpp parses it)
};

// The smallest context a request may ask for: 1 token, as llama-bench's short runs use (the
// page's slider starts at 512; the field takes any count up to the model's maximum).
inline constexpr uint64_t kMinContext = 1;
inline constexpr uint64_t kMaxContext = 100'000'000;
inline constexpr uint64_t kMaxSequences = 4096;
inline constexpr uint64_t kMaxUbatch = 65536;

struct Estimate {
  const ModelArch* arch = nullptr;
  const CatalogModel* catalog_model = nullptr;  // null for a custom config
  std::string custom_id;                        // the request's: a custom config that is a catalogue entry
  const QuantFormat* quant = nullptr;
  const RuntimeProfile* runtime = nullptr;
  const KvType* kv_type = nullptr;
  uint64_t context = 0;
  uint64_t sequences = 0;
  uint64_t ubatch = 0;
  bool flash_attn = false;
  bool imatrix = false;
  const GgufFileWeights* gguf_file = nullptr;
  // DeepSeek's cache layout: the runtime's, or the full per-head cache for a GGUF converted before
  // llama.cpp's MLA support (attn_kv_b present), which llama.cpp can only run that way.
  MlaCache mla = MlaCache::latent_k;
  std::shared_ptr<const QuantFormat> owned_quant;  // the "checkpoint" format or a custom mix, which quant points to

  ParamCounts params;
  uint64_t params_vision = 0;        // vision tower + projector (loaded by GPU runtimes, not in the text GGUF)
  uint64_t params_mtp = 0;
  WeightBytes weights;
  uint64_t file_bytes = 0;           // GGUF presets: predicted file size
  uint64_t file_metadata_bytes = 0;  // GGUF header + key/values + tensor infos + padding
  uint64_t naive_weights_bytes = 0;  // params x nominal bits / 8
  KvCache kv;
  uint64_t compute_buffer_bytes = 0;
  uint64_t output_buffer_bytes = 0;
  uint64_t cuda_graph_bytes = 0;
  uint64_t runtime_reserved_bytes = 0;  // CUDA context / non-torch memory
  uint64_t overhead_bytes = 0;          // all but weights and KV
  uint64_t total_bytes = 0;             // weights + KV + overhead
  uint64_t gpu_memory_needed_bytes = 0; // total, divided by the runtime's memory fraction where it has one
  LlamaCppBuffers llama_buffers;
};

// What the user should know about an estimate (contexts beyond training, a format the runtime
// does not run natively, an expanded MLA cache, ...), as sentences.
std::vector<std::string> warnings(const Estimate& e);

// Throws InputError naming the field for any invalid input.
Estimate estimate(const EstimateRequest& req);

// The preset name of a llama_ftype ("" when the catalogue has none), and the format used for a
// GGUF file whose preset is unknown.
const char* gguf_ftype_name(uint32_t file_type);
const QuantFormat& gguf_file_format();

// GGUF metadata size: header, key/values (tokenizer arrays dominate) and tensor infos.
uint64_t gguf_metadata_bytes(const ModelArch& a, uint64_t tensor_info_bytes);

// The JSON the CLI prints with --json and the WebAssembly module returns (as text, and parsed).
std::string to_json_text(const Estimate& e);
nlohmann::json to_json(const Estimate& e);

}  // namespace vramcalc
