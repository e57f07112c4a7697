#pragma once
// The catalogs of data/*.json, compiled into the core and parsed once.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch.hpp"
#include "quant.hpp"
#include "tensors.hpp"

namespace vramcalc {

struct CatalogModel {
  ModelArch arch;
  std::string hf_repo;
  std::string params_official;
  std::string params_active_official;
  std::string base_model;
  std::vector<Tensor> tensors_split;   // GGUF layout with attn_k_b / attn_v_b (and the HF layout otherwise)
  std::vector<Tensor> tensors_legacy;  // DeepSeek: attn_kv_b unsplit, as in Hugging Face checkpoints
  std::vector<TensorGroup> groups_split;
  std::vector<TensorGroup> groups_legacy;
  ParamCounts params;
  uint64_t params_mtp = 0;
};

enum class MlaCache : uint8_t { latent_k, latent_kv, expanded };

struct KvType {
  std::string name;
  uint32_t block_size = 1;
  uint32_t type_size = 2;
};

struct RuntimeProfile {
  std::string id;
  std::string name;
  std::string engine;  // llama.cpp | vllm
  std::string family;  // llama.cpp | ik_llama.cpp | ktransformers | vllm: which speed efficiencies apply
  std::string version; // the versions this profile describes
  uint64_t attn_max_batch_bytes = 0;  // ik_llama.cpp -amb: cap on the attention scratch (0: none)
  bool experts_in_ram = false;        // KTransformers: routed experts always in RAM, run on the CPU
  bool numa_copy_per_socket = false;  // KTransformers USE_NUMA: the experts copied to each socket's memory
  std::string describes;
  MlaCache mla_cache = MlaCache::latent_k;
  bool gguf_split_kv_b = true;
  std::vector<std::string> kv_types;
  std::string kv_type_default;
  uint32_t ctx_pad = 256;
  uint32_t ctx_pad_no_fa = 256;
  bool flash_attn_default = true;
  uint32_t ubatch_default = 512;
  uint32_t kq_mask_pad = 64;
  uint64_t device_reserved_bytes = 0;
  double memory_fraction = 0;  // 0: the runtime allocates exactly what it needs
  uint32_t block_size = 1;
  uint32_t max_num_seqs = 0;
  uint32_t max_num_batched_tokens = 0;
  uint64_t non_torch_bytes = 0;
  uint64_t cuda_graph_bytes = 0;
  double swa_full_tokens_ratio = 0;  // SGLang: sliding-window pool tokens / full pool tokens
  bool is_llama_cpp() const { return engine == "llama.cpp"; }
};

struct Catalog {
  std::vector<CatalogModel> models;
  GgmlTypeTable ggml_types{};
  std::vector<QuantFormat> quants;
  std::vector<RuntimeProfile> runtimes;
  std::vector<KvType> kv_types;
  uint32_t gguf_alignment = 32;

  const CatalogModel* find_model(const std::string& id) const;
  const QuantFormat* find_quant(const std::string& name) const;  // case-insensitive
  const RuntimeProfile* find_runtime(const std::string& id) const;
  const KvType* find_kv_type(const std::string& name) const;
};

// The catalog built from the embedded data files (parsed on first use; in the WebAssembly build,
// constructed from the tables tools/catalog_tables.cpp generated from the same files).
const Catalog& catalog();
// The generated tables (defined only in builds that compile them).
Catalog generated_catalog();
// Fills what a catalogue model derives from its architecture: tensor lists, groups, parameters.
void complete_catalog_model(CatalogModel& cm);

// Builds a catalog from JSON texts (used by catalog() and by tests of the data files).
Catalog parse_catalog(const std::string& models_json, const std::string& quant_formats_json,
                      const std::string& runtimes_json);

// The raw embedded data files, for listings.
const char* embedded_gpus_json();

}  // namespace vramcalc
