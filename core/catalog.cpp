#include "catalog.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "text.hpp"

namespace vramcalc {

namespace embedded {
extern const char* const models_json;
extern const char* const quant_formats_json;
extern const char* const runtimes_json;
extern const char* const gpus_json;
extern const char* const api_prices_json;
}  // namespace embedded

using nlohmann::json;

namespace {


GgmlType ggml_type_from_name(const std::string& name) {
  for (size_t i = 0; i < kGgmlTypeCount; ++i) {
    if (name == ggml_type_name(static_cast<GgmlType>(i))) return static_cast<GgmlType>(i);
  }
  throw std::runtime_error("data/quant_formats.json: unknown ggml type " + name);
}

Ftype ftype_from_name(const std::string& name) {
  static const std::pair<const char*, Ftype> table[] = {
      {"Q8_0", Ftype::Q8_0}, {"Q6_K", Ftype::Q6_K}, {"Q5_K_M", Ftype::Q5_K_M}, {"Q5_K_S", Ftype::Q5_K_S},
      {"Q5_0", Ftype::Q5_0}, {"Q5_1", Ftype::Q5_1}, {"Q4_K_M", Ftype::Q4_K_M}, {"Q4_K_S", Ftype::Q4_K_S},
      {"Q4_0", Ftype::Q4_0}, {"Q4_1", Ftype::Q4_1}, {"IQ4_XS", Ftype::IQ4_XS}, {"Q3_K_L", Ftype::Q3_K_L},
      {"Q3_K_M", Ftype::Q3_K_M}, {"Q3_K_S", Ftype::Q3_K_S}, {"Q2_K", Ftype::Q2_K}, {"F16", Ftype::F16},
      {"BF16", Ftype::BF16}, {"MXFP4_MOE", Ftype::MXFP4_MOE}, {"IQ4_NL", Ftype::IQ4_NL}, {"IQ3_M", Ftype::IQ3_M}, {"IQ3_S", Ftype::IQ3_S},
      {"IQ3_XS", Ftype::IQ3_XS}, {"IQ3_XXS", Ftype::IQ3_XXS}, {"IQ2_M", Ftype::IQ2_M}, {"IQ2_S", Ftype::IQ2_S},
      {"IQ2_XS", Ftype::IQ2_XS}, {"IQ2_XXS", Ftype::IQ2_XXS}, {"IQ1_M", Ftype::IQ1_M}, {"IQ1_S", Ftype::IQ1_S}};
  for (const auto& [n, f] : table) {
    if (name == n) return f;
  }
  throw std::runtime_error("data/quant_formats.json: preset " + name + " has no rules in core/quant.cpp");
}

CatalogModel parse_model(const json& m) {
  CatalogModel cm;
  cm.arch = arch_from_hf_config(m.at("config"));
  cm.arch.id = m.at("id").get<std::string>();
  cm.arch.name = m.at("name").get<std::string>();
  cm.arch.family = m.at("family").get<std::string>();
  cm.arch.n_ctx_max = m.at("context_official").get<uint64_t>();
  const json& tok = m.at("tokenizer");
  cm.arch.tokenizer.model = tok.at("model").get<std::string>();
  cm.arch.tokenizer.n_tokens = tok.at("n_tokens").get<uint64_t>();
  cm.arch.tokenizer.n_merges = tok.at("n_merges").get<uint64_t>();
  cm.arch.tokenizer.known = true;
  cm.hf_repo = m.at("hf_repo").get<std::string>();
  cm.params_official = m.at("params_official").get<std::string>();
  cm.params_active_official = m.at("params_active_official").get<std::string>();
  cm.base_model = m.value("base_model", "");
  complete_catalog_model(cm);
  return cm;
}

QuantFormat parse_gguf_preset(const json& p, const GgmlTypeTable&) {
  QuantFormat q;
  q.name = p.at("name").get<std::string>();
  q.gguf = true;
  q.nominal_bits = p.at("nominal_bits").get<double>();
  q.ftype = ftype_from_name(q.name);
  q.default_type = ggml_type_from_name(p.at("default_type").get<std::string>());
  q.description = "GGUF " + q.name + " (llama-quantize preset: " + p.at("default_type").get<std::string>() +
                  " with per-tensor exceptions)";
  return q;
}

QuantFormat parse_gpu_format(const json& g) {
  QuantFormat q;
  q.name = g.at("name").get<std::string>();
  q.gguf = false;
  q.nominal_bits = g.at("nominal_bits").get<double>();
  q.description = g.at("description").get<std::string>();
  q.other_bits = g.at("other_bits").get<uint32_t>();
  const json& lin = g.at("linear");
  q.linear_bits = lin.at("bits").get<uint32_t>();
  q.scale_bytes = lin.value("scale_bytes", 0u);
  q.zero_bits = lin.value("zero_bits", 0u);
  if (lin.contains("group_size")) {
    q.scale_block = ScaleBlock::group;
    q.group_size = lin.at("group_size").get<uint32_t>();
  } else if (lin.contains("scale_block")) {
    const json& sb = lin.at("scale_block");
    if (sb.is_array()) {
      q.scale_block = ScaleBlock::block2d;
      q.block_rows = sb.at(0).get<uint32_t>();
      q.block_cols = sb.at(1).get<uint32_t>();
    } else if (sb == "tensor") {
      q.scale_block = ScaleBlock::tensor;
    } else if (sb == "row") {
      q.scale_block = ScaleBlock::row;
    }
  }
  return q;
}

RuntimeProfile parse_runtime(const json& r) {
  RuntimeProfile p;
  p.id = r.at("id").get<std::string>();
  p.name = r.at("name").get<std::string>();
  p.engine = r.at("engine").get<std::string>();
  p.describes = r.at("describes").get<std::string>();
  p.family = r.value("family", p.engine);
  p.version = r.value("version", "");
  p.attn_max_batch_bytes = r.value("attn_max_batch_mib", uint64_t{0}) << 20;
  p.experts_in_ram = r.value("experts_in_ram", false);
  p.numa_copy_per_socket = r.value("numa_copy_per_socket", false);
  const std::string mla = r.at("mla_cache").get<std::string>();
  p.mla_cache = mla == "latent_k" ? MlaCache::latent_k : mla == "latent_kv" ? MlaCache::latent_kv : MlaCache::expanded;
  p.gguf_split_kv_b = !r.at("gguf_layout").is_string() || r.at("gguf_layout") == "split_kv_b";
  p.kv_types = r.at("kv_types").get<std::vector<std::string>>();
  p.kv_type_default = r.at("kv_type_default").get<std::string>();
  p.ctx_pad = r.value("ctx_pad", 1u);
  p.ctx_pad_no_fa = r.value("ctx_pad_no_fa", p.ctx_pad);
  p.flash_attn_default = r.value("flash_attn_default", true);
  p.ubatch_default = r.value("ubatch_default", 512u);
  p.kq_mask_pad = r.value("kq_mask_pad", 1u);
  p.device_reserved_bytes = r.at("device_reserved_bytes").get<uint64_t>();
  p.memory_fraction = r.at("memory_fraction").is_number() ? r.at("memory_fraction").get<double>() : 0.0;
  p.block_size = r.value("block_size", 1u);
  p.max_num_seqs = r.value("max_num_seqs", 0u);
  p.max_num_batched_tokens = r.value("max_num_batched_tokens", 0u);
  p.non_torch_bytes = r.value("non_torch_bytes", uint64_t{0});
  p.cuda_graph_bytes = r.value("cuda_graph_bytes", uint64_t{0});
  p.swa_full_tokens_ratio = r.value("swa_full_tokens_ratio", 0.0);
  return p;
}

}  // namespace

Catalog parse_catalog(const std::string& models_text, const std::string& quant_text, const std::string& runtimes_text) {
  Catalog c;
  const json qj = json::parse(quant_text);
  for (const json& t : qj.at("ggml_types")) {
    const std::string name = t.at("name").get<std::string>();
    GgmlTypeInfo info{t.at("block_size").get<uint32_t>(), t.at("type_size").get<uint32_t>(), 0};
    while ((1u << info.block_shift) < info.block_size) ++info.block_shift;
    if ((1u << info.block_shift) != info.block_size) {
      throw std::runtime_error("data/quant_formats.json: block size of " + name + " is not a power of two");
    }
    c.ggml_types[size_t(ggml_type_from_name(name))] = info;
  }
  for (size_t i = 0; i < kGgmlTypeCount; ++i) {
    if (c.ggml_types[i].block_size == 0) {
      throw std::runtime_error(std::string("data/quant_formats.json: ggml type missing: ") +
                               ggml_type_name(static_cast<GgmlType>(i)));
    }
  }
  c.gguf_alignment = qj.at("gguf_alignment").at("bytes").get<uint32_t>();
  if (c.gguf_alignment == 0 || (c.gguf_alignment & (c.gguf_alignment - 1)) != 0) {
    throw std::runtime_error("data/quant_formats.json: gguf_alignment must be a power of two");
  }
  for (const json& p : qj.at("gguf_presets")) c.quants.push_back(parse_gguf_preset(p, c.ggml_types));
  for (const json& g : qj.at("gpu_formats")) c.quants.push_back(parse_gpu_format(g));

  const json mj = json::parse(models_text);
  for (const json& m : mj.at("models")) c.models.push_back(parse_model(m));

  const json rj = json::parse(runtimes_text);
  for (const json& r : rj.at("runtimes")) c.runtimes.push_back(parse_runtime(r));
  for (const json& k : rj.at("kv_types")) {
    c.kv_types.push_back({k.at("name").get<std::string>(), k.at("block_size").get<uint32_t>(),
                          k.at("type_size").get<uint32_t>()});
  }
  return c;
}

void complete_catalog_model(CatalogModel& cm) {
  cm.tensors_split = enumerate_tensors(cm.arch, TensorLayout{true});
  cm.tensors_legacy = enumerate_tensors(cm.arch, TensorLayout{false});
  cm.groups_split = group_tensors(cm.tensors_split);
  cm.groups_legacy = group_tensors(cm.tensors_legacy);
  cm.params = count_params(cm.arch, cm.groups_legacy);
  cm.params_mtp = mtp_params(cm.arch);
}

const Catalog& catalog() {
#ifdef VRAMCALC_GENERATED_CATALOG
  // The WebAssembly build: the same catalogue, compiled from the tables the native build wrote.
  static const Catalog c = generated_catalog();
#else
  static const Catalog c = parse_catalog(embedded::models_json, embedded::quant_formats_json, embedded::runtimes_json);
#endif
  return c;
}

const char* embedded_gpus_json() { return embedded::gpus_json; }

const CatalogModel* Catalog::find_model(const std::string& id) const {
  for (const CatalogModel& m : models) {
    if (iequals(m.arch.id, id)) return &m;
  }
  return nullptr;
}

const QuantFormat* Catalog::find_quant(const std::string& name) const {
  for (const QuantFormat& q : quants) {
    if (iequals(q.name, name)) return &q;
  }
  return nullptr;
}

const RuntimeProfile* Catalog::find_runtime(const std::string& id) const {
  for (const RuntimeProfile& r : runtimes) {
    if (iequals(r.id, id)) return &r;
  }
  return nullptr;
}

const KvType* Catalog::find_kv_type(const std::string& name) const {
  for (const KvType& k : kv_types) {
    if (iequals(k.name, name)) return &k;
  }
  return nullptr;
}

}  // namespace vramcalc
