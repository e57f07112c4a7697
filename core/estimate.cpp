#include "estimate.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "checkpoint_quant.hpp"
#include "errors.hpp"
#include "input.hpp"
#include "text.hpp"
#include "json_writer.hpp"
#include "memo.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

uint64_t pad(uint64_t n, uint64_t to) { return to > 1 ? (n + to - 1) / to * to : n; }

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// A value with two decimals, without printf (which would add its formatter to the wasm module).
std::string fixed2(double v) {
  const uint64_t hundredths = uint64_t(std::llround(v * 100.0));
  const uint64_t frac = hundredths % 100;
  return std::to_string(hundredths / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac);
}

std::string fmt_gib(uint64_t bytes) { return fixed2(double(bytes) / double(1ull << 30)) + " GiB"; }

}  // namespace

const char* gguf_ftype_name(uint32_t file_type) {
  // llama_ftype values (llama.h) of the presets in the catalogue.
  switch (file_type) {
    case 1: return "F16";
    case 2: return "Q4_0";
    case 3: return "Q4_1";
    case 7: return "Q8_0";
    case 8: return "Q5_0";
    case 9: return "Q5_1";
    case 10: return "Q2_K";
    case 11: return "Q3_K_S";
    case 12: return "Q3_K_M";
    case 13: return "Q3_K_L";
    case 14: return "Q4_K_S";
    case 15: return "Q4_K_M";
    case 16: return "Q5_K_S";
    case 17: return "Q5_K_M";
    case 18: return "Q6_K";
    case 19: return "IQ2_XXS";
    case 20: return "IQ2_XS";
    case 22: return "IQ3_XS";
    case 23: return "IQ3_XXS";
    case 24: return "IQ1_S";
    case 25: return "IQ4_NL";
    case 26: return "IQ3_S";
    case 27: return "IQ3_M";
    case 28: return "IQ2_S";
    case 29: return "IQ2_M";
    case 30: return "IQ4_XS";
    case 31: return "IQ1_M";
    case 38: return "MXFP4_MOE";
    default: return "";
  }
}

const QuantFormat& gguf_file_format() {
  static const QuantFormat f = [] {
    QuantFormat q;
    q.name = "GGUF file";
    q.gguf = true;
    q.nominal_bits = 0;  // unknown preset: the naive figure is not defined
    q.description = "the GGUF file's own tensor types";
    return q;
  }();
  return f;
}

uint64_t gguf_metadata_bytes(const ModelArch& a, uint64_t tensor_info_bytes) {
  // gguf.md: header = magic u32 + version u32 + tensor_count u64 + kv_count u64.
  uint64_t bytes = 24;
  // Tokenizer arrays: each string is a u64 length plus its UTF-8 bytes. Byte-level BPE token
  // strings average about 7.5 bytes ("Ġ" for a leading space is 2 bytes) and merges about 8.5
  // ("a b"); these averages are estimates, worth about +-2 MB on a 128K vocabulary.
  constexpr double kAvgTokenBytes = 7.5;
  constexpr double kAvgMergeBytes = 8.5;
  const uint64_t n_tok = a.tokenizer.n_tokens;
  bytes += uint64_t(std::llround(double(n_tok) * (8 + kAvgTokenBytes)));  // tokenizer.ggml.tokens
  bytes += n_tok * 4;                                                      // tokenizer.ggml.token_type (i32)
  if (a.tokenizer.model == "llama") bytes += n_tok * 4;                    // tokenizer.ggml.scores (f32, SentencePiece)
  bytes += uint64_t(std::llround(double(a.tokenizer.n_merges) * (8 + kAvgMergeBytes)));
  // About 40 scalar keys (general.*, <arch>.*, token ids) and the chat template (a few KB).
  bytes += 40 * 48 + 4096;
  bytes += tensor_info_bytes;
  return bytes;
}

namespace {

// A custom config's tensors by group and its parameter counts.
struct LaidOut {
  std::vector<TensorGroup> groups;
  ParamCounts params;
  uint64_t mtp = 0;
};

// The weights of a catalogue model and format, kept (memo.hpp) outside the calculator module:
// there each estimate is a new form input, and the first result's bytes count most.
template <class Compute>
WeightBytes kept_weights(const Estimate& e, bool split, Compute compute) {
#if VRAMCALC_LEAN
  (void)e;
  (void)split;
  return compute();
#else
  thread_local Memo<WeightBytes> memo;
  return memo.get(weights_memo_key(e, split), compute);
#endif
}

}  // namespace

Estimate estimate(const EstimateRequest& req) {
  const Catalog& cat = catalog();
  Estimate e;
  if (req.custom) {
    e.arch = &*req.custom;
    e.custom_id = req.custom_id;
  } else {
    e.catalog_model = last_lookup(req.model, [&](const std::string& id) { return cat.find_model(id); },
                                   [](const CatalogModel& m) -> const std::string& { return m.arch.id; });
    if (!e.catalog_model) {
      throw InputError("unknown_model", "model", "unknown model " + quote_input(req.model));
    }
    e.arch = &e.catalog_model->arch;
  }
  const ModelArch& a = *e.arch;

  if (req.gguf_file) {
    // A GGUF file: its preset (general.file_type) when llama-quantize names one, for the naive
    // figure and the description; the weights themselves are the file's.
    e.gguf_file = &*req.gguf_file;
    e.quant = cat.find_quant(gguf_ftype_name(req.gguf_file->file_type));
    if (!e.quant) e.quant = &gguf_file_format();
  } else if (iequals(req.quant, kCheckpointQuant)) {
    e.owned_quant = std::make_shared<const QuantFormat>(checkpoint_format(a));
    e.quant = e.owned_quant.get();
  } else {
    e.quant = last_lookup(req.quant, [&](const std::string& name) { return cat.find_quant(name); },
                          [](const QuantFormat& q) -> const std::string& { return q.name; });
  }
  if (!e.quant) throw InputError("unknown_quant", "quant", "unknown quantization " + quote_input(req.quant));
  if (req.mix_format && !e.gguf_file) {
    e.owned_quant = std::make_shared<const QuantFormat>(*req.mix_format);
    e.quant = e.owned_quant.get();
  }
  e.runtime = last_lookup(req.runtime, [&](const std::string& id) { return cat.find_runtime(id); },
                          [](const RuntimeProfile& r) -> const std::string& { return r.id; });
  if (!e.runtime) {
    std::vector<std::string> ids;
    for (const auto& r : cat.runtimes) ids.push_back(r.id);
    throw InputError("unknown_runtime", "runtime", "unknown runtime " + quote_input(req.runtime) + " (one of: " + join(ids) + ")");
  }
  const RuntimeProfile& rt = *e.runtime;

  const std::string kv_name = req.kv_type.empty() ? rt.kv_type_default : req.kv_type;
  e.kv_type = last_lookup(kv_name, [&](const std::string& name) { return cat.find_kv_type(name); },
                          [](const KvType& k) -> const std::string& { return k.name; });
  if (!e.kv_type || std::find(rt.kv_types.begin(), rt.kv_types.end(), e.kv_type->name) == rt.kv_types.end()) {
    throw InputError("unsupported_kv_type", "kv_type",
                     "KV cache type " + quote_input(kv_name) + " is not available in " + rt.name + " (one of: " + join(rt.kv_types) + ")");
  }
  if (req.context < 1) throw InputError("invalid_context", "context", "context must be at least 1 token");
  if (req.context > kMaxContext) {
    throw InputError("invalid_context", "context", "context of " + std::to_string(req.context) +
                                                       " tokens is beyond any model: " + at_most(kMaxContext));
  }
  if (req.sequences < 1 || req.sequences > kMaxSequences) {
    throw InputError("invalid_sequences", "sequences",
                     "sequences must be between 1 and " + std::to_string(kMaxSequences) + " (got " + std::to_string(req.sequences) + ")");
  }
  if (req.ubatch > kMaxUbatch) {
    throw InputError("invalid_ubatch", "ubatch", "ubatch must be between 1 and " + std::to_string(kMaxUbatch) + " (got " +
                                                   std::to_string(req.ubatch) + ")");
  }
  e.context = req.context;
  e.sequences = req.sequences;
  e.ubatch = req.ubatch ? req.ubatch : rt.ubatch_default;
  e.flash_attn = req.flash_attn.value_or(rt.flash_attn_default);
  e.imatrix = req.imatrix;

  // KV layout: DeepSeek's MLA cache depends on the runtime (and, for llama.cpp, on the GGUF).
  e.mla = e.gguf_file && e.gguf_file->mla_legacy && rt.is_llama_cpp() ? MlaCache::expanded : rt.mla_cache;
  const MlaCache mla = e.mla;
  const bool has_v_cache = kv_layer_elems(a, mla).v > 0;
  if (rt.is_llama_cpp() && !e.flash_attn && has_v_cache && (e.kv_type->block_size > 1)) {
    throw InputError("kv_type_needs_flash_attn", "kv_type",
                     "llama.cpp stores a quantized V cache (" + e.kv_type->name +
                         ") only with flash attention on: turn flash attention on or use f16");
  }

  // Weights.
  const bool split = rt.gguf_split_kv_b && e.quant->gguf;
  std::vector<TensorGroup> custom_groups;
  LaidOut laid_here;  // a custom config's tensors, when not kept
  const std::vector<TensorGroup>* tensors;
  // A mix whose entries name layer ranges needs every layer's tensors apart.
  bool by_layer = false;
  for (const MixRule& m : e.quant->mix) by_layer |= m.first >= 0;
  if (e.catalog_model && by_layer) {
    custom_groups = group_tensors(split ? e.catalog_model->tensors_split : e.catalog_model->tensors_legacy, true);
    tensors = &custom_groups;
    e.params = e.catalog_model->params;
    e.params_mtp = e.catalog_model->params_mtp;
  } else if (e.catalog_model) {
    tensors = split ? &e.catalog_model->groups_split : &e.catalog_model->groups_legacy;
    e.params = e.catalog_model->params;
    e.params_mtp = e.catalog_model->params_mtp;
  } else {
    // A pasted config is laid out each time; a catalogue entry given as a config (the other
    // models) once per layout, outside the calculator module (the first result), which
    // estimates only the catalogue.
    auto lay = [&] {
      LaidOut x;
      x.groups = group_tensors(enumerate_tensors(a, TensorLayout{split}), by_layer);
      x.params = count_params(a, x.groups);
      x.mtp = mtp_params(a);
      return x;
    };
#if VRAMCALC_LEAN
    laid_here = lay();
    const LaidOut& l = laid_here;
#else
    thread_local Memo<LaidOut> laid;
    const std::string key = req.custom_id.empty() ? std::string() : req.custom_id + (split ? "\n1" : "\n0") + (by_layer ? "1" : "0");
    const LaidOut& l = laid.get(key, lay);
#endif
    tensors = &l.groups;
    e.params = l.params;
    e.params_mtp = l.mtp;
  }
  if (e.gguf_file) {
    e.weights = WeightBytes{};
    e.weights.bytes = e.gguf_file->weights_bytes;
    e.weights.tensor_data_bytes = e.gguf_file->weights_bytes;
    for (const WeightPart& p : e.gguf_file->parts) {
      if (e.weights.n_parts < e.weights.part_storage.size()) e.weights.add_part(p);
      e.weights.n_tensors += p.tensors;
    }
    e.file_bytes = e.gguf_file->file_bytes;
    e.file_metadata_bytes = e.file_bytes > e.weights.bytes ? e.file_bytes - e.weights.bytes : 0;
  } else if (e.quant->gguf) {
    e.weights = kept_weights(e, split,
                                   [&] { return gguf_weight_bytes(a, *tensors, *e.quant, cat.ggml_types, cat.gguf_alignment, req.imatrix); });
    const uint64_t meta = gguf_metadata_bytes(a, e.weights.tensor_info_bytes);
    e.file_metadata_bytes = pad(meta, cat.gguf_alignment);
    e.file_bytes = e.file_metadata_bytes + e.weights.tensor_data_bytes;
  } else {
    e.weights = kept_weights(e, split, [&] { return gpu_weight_bytes(*tensors, *e.quant); });
  }
  // Multimodal checkpoints: GPU runtimes load the vision tower with the language model (in the
  // checkpoint's 16-bit dtype); llama.cpp keeps it in a separate mmproj file.
  e.params_vision = a.params_vision;
  if (a.params_vision && !rt.is_llama_cpp() && e.weights.n_parts < e.weights.part_storage.size()) {
    const uint64_t vb = a.params_vision * 2;
    e.weights.add_part(WeightPart{"vision tower and projector (BF16)", 0, a.params_vision, vb});
    e.weights.bytes += vb;
    e.weights.tensor_data_bytes += vb;
  }
  e.naive_weights_bytes = e.quant->nominal_bits > 0
                              ? uint64_t(std::llround(double(e.params.total) * e.quant->nominal_bits / 8.0))
                              : e.weights.bytes;

  // KV cache cells, with the sliding-window layers capped as the runtime caps them.
  const KvCells kc = kv_cells(a, rt, e.context, e.sequences, e.ubatch, e.flash_attn);
  const uint64_t cells = kc.cells;
  e.kv = kv_cache(a, mla, *e.kv_type, cells, kc.cells_swa);

  // Buffers and runtime overhead.
  if (rt.is_llama_cpp()) {
    e.llama_buffers = llama_cpp_buffers(a, rt, mla, cells, e.ubatch, e.sequences, e.flash_attn);
    e.compute_buffer_bytes = e.llama_buffers.compute_bytes;
    e.output_buffer_bytes = e.llama_buffers.output_bytes;
    e.runtime_reserved_bytes = rt.device_reserved_bytes;
  } else {
    const VllmBuffers v = vllm_buffers(a, rt, 2);
    e.compute_buffer_bytes = v.activation_bytes;
    e.cuda_graph_bytes = v.cuda_graph_bytes;
    e.runtime_reserved_bytes = v.non_torch_bytes;
  }
  e.overhead_bytes = e.compute_buffer_bytes + e.output_buffer_bytes + e.cuda_graph_bytes + e.runtime_reserved_bytes;
  e.total_bytes = e.weights.bytes + e.kv.bytes + e.overhead_bytes;
  e.gpu_memory_needed_bytes = rt.memory_fraction > 0
                                  ? uint64_t(std::ceil(double(e.total_bytes) / rt.memory_fraction))
                                  : e.total_bytes;

  return e;
}

std::vector<std::string> warnings(const Estimate& e) {
  const ModelArch& a = *e.arch;
  const RuntimeProfile& rt = *e.runtime;
  const MlaCache mla = e.mla;
  std::vector<std::string> out;
  if (e.context > a.n_ctx_max) {
    out.push_back("context of " + std::to_string(e.context) + " tokens is beyond the " +
                         std::to_string(a.n_ctx_max) + " the model was trained for: quality will degrade");
  }
  if (rt.is_llama_cpp() && !e.quant->gguf && e.quant->linear_bits < 16) {
    out.push_back(e.quant->name + " is a GPU serving format; llama.cpp runs GGUF files (pick a GGUF preset such as Q8_0 or Q4_K_M)");
  }
  if (!rt.is_llama_cpp() && e.quant->gguf) {
    out.push_back(rt.name + " loads GGUF files only experimentally; its native formats are BF16, FP8 and INT4 (AWQ/GPTQ)");
  }
  const bool legacy_file = e.gguf_file && e.gguf_file->mla_legacy && rt.is_llama_cpp();
  if (a.attention == AttentionKind::MLA && mla == MlaCache::expanded && !legacy_file) {
    out.push_back("this runtime expands DeepSeek's MLA cache to full per-head keys and values: " +
                         fmt_gib(e.kv.bytes_per_token * 1024) + " per 1K tokens; llama.cpp 2026 builds, vLLM and SGLang cache only the latent");
  }
  if (legacy_file) {
    out.push_back("this GGUF was converted before llama.cpp's MLA support (attn_kv_b not split into attn_k_b / attn_v_b): llama.cpp runs it with the full per-head K and V cache, " +
                  fmt_gib(e.kv.bytes_per_token * 1024) + " per 1K tokens, as this estimate does; a file converted since April 2025 caches only the latent");
  }
  if (e.weights.imatrix_required_tensors > 0 && !e.imatrix) {
    out.push_back(std::to_string(e.weights.imatrix_required_tensors) + " tensors are " +
                  "IQ1_S, IQ1_M or IQ2 types, which llama-quantize writes only with an importance matrix (--imatrix; it stops with \"Missing importance matrix\" otherwise): published files of this kind are imatrix quantizations");
  }
  if (e.weights.fallback_tensors > 0) {
    out.push_back(std::to_string(e.weights.fallback_tensors) +
                         " tensors have rows that are not a multiple of the block size; llama-quantize stores them in a fallback type (e.g. Q4_K -> Q5_0)");
  }
  if (a.family == "distill") {
    // The catalogue's distills are dense models of other families; say so where people confuse them.
    const std::string base = a.arch == "llama" ? "Llama" : a.arch == "qwen3" ? "Qwen3" : "Qwen2";
    out.push_back(a.name + " is a dense " + base +
                         " model distilled from DeepSeek-R1, not the 671B mixture-of-experts R1");
  }
  if (a.family == "v3") {
    out.push_back(a.name + " has DeepSeek-R1's 671B architecture and the same memory needs, but it is the chat model, not the R1 reasoning model");
  }
  return out;
}

namespace {
// Where the weights come from when they are the user's file(s): names, model name, tensor types.
std::string gguf_file_assumption(const GgufFileWeights& g) {
  std::string files;
  for (const std::string& f : g.files) files += (files.empty() ? "" : ", ") + f;
  std::string types;
  for (const WeightPart& p : g.parts) types += (types.empty() ? "" : ", ") + std::to_string(p.tensors) + " " + p.label;
  return "from your GGUF file" + std::string(g.files.size() > 1 ? "s " : " ") + (files.empty() ? "" : files + " ") +
         (g.name.empty() ? "" : "(\"" + g.name + "\") ") + "as " + (g.files.size() > 1 ? "their headers list" : "its header lists") +
         " them, exact: " + types + " tensors";
}
}  // namespace

std::string to_json_text(const Estimate& e) {
  const ModelArch& a = *e.arch;
  const RuntimeProfile& rt = *e.runtime;
  JsonWriter w;
  w.begin_object();
  w.key("model").begin_object();
  w.field("id", a.id).field("name", a.name).field("family", a.family).field("arch", a.arch);
  w.field("attention", attention_kind_name(a.attention)).field("moe", a.is_moe());
  w.field("n_layer", a.n_layer).field("n_embd", a.n_embd).field("n_head", a.n_head).field("n_head_kv", a.n_head_kv);
  w.field("n_vocab", a.n_vocab).field("context_max", a.n_ctx_max);
  if (e.catalog_model) {
    w.field("hf_repo", e.catalog_model->hf_repo);
    w.field("params_official", e.catalog_model->params_official);
    w.field("params_active_official", e.catalog_model->params_active_official);
    if (!e.catalog_model->base_model.empty()) w.field("base_model", e.catalog_model->base_model);
  }
  if (a.is_moe()) {
    w.field("n_expert", a.n_expert).field("n_expert_used", a.n_expert_used).field("n_expert_shared", a.n_expert_shared);
  }
  w.end_object();
  w.key("quant").begin_object();
  w.field("name", e.gguf_file && e.quant->nominal_bits > 0 ? "GGUF file (" + e.quant->name + ")" : e.quant->name);
  w.field("kind", e.quant->gguf ? "gguf" : "gpu").field("nominal_bits", e.quant->nominal_bits);
  w.field("description", e.quant->description).field("group", quant_group(*e.quant));
  if (!e.quant->mix.empty()) w.field("mix", e.quant->mix_text);
  w.end_object();
  w.key("runtime").begin_object().field("id", rt.id).field("name", rt.name).end_object();
  w.field("context", e.context).field("sequences", e.sequences).field("kv_type", e.kv_type->name);
  w.field("flash_attn", e.flash_attn).field("ubatch", e.ubatch).field("imatrix", e.imatrix);
  w.field("imatrix_required", e.weights.imatrix_required_tensors > 0);

  w.field("params_total", e.params.total).field("params_active", e.params.active).field("params_mtp", e.params_mtp);
  w.field("params_vision", e.params_vision);
  w.field("weights_bytes", e.weights.bytes);
  w.field("bits_per_weight",
          e.params.total ? std::round(double(e.weights.bytes) * 8.0 / double(e.params.total) * 1000.0) / 1000.0 : 0.0);
  w.key("file_bytes");
  if (e.quant->gguf) w.value(e.file_bytes);
  else w.null();
  w.field("naive_weights_bytes", e.naive_weights_bytes);
  w.field("kv_bytes_per_token", e.kv.bytes_per_token).field("kv_cache_bytes", e.kv.bytes).field("kv_cells", e.kv.cells);
  w.field("compute_buffer_bytes", e.compute_buffer_bytes).field("output_buffer_bytes", e.output_buffer_bytes);
  w.field("cuda_graph_bytes", e.cuda_graph_bytes).field("runtime_reserved_bytes", e.runtime_reserved_bytes);
  w.field("overhead_bytes", e.overhead_bytes).field("total_bytes", e.total_bytes);
  w.field("gpu_memory_needed_bytes", e.gpu_memory_needed_bytes);

  w.key("weights_by_type").begin_array();
  for (const WeightPart& p : e.weights.parts()) {
    w.begin_object().field("type", p.label).field("tensors", p.tensors).field("params", p.params).field("bytes", p.bytes).end_object();
  }
  w.end_array();
  auto part = [&](const char* id, const char* label, uint64_t bytes) {
    w.begin_object().field("part", id).field("label", label).field("bytes", bytes).end_object();
  };
  w.key("breakdown").begin_array();
  part("weights", "Weights", e.weights.bytes);
  part("kv_cache", "KV cache", e.kv.bytes);
  part("buffers", rt.is_llama_cpp() ? "Compute and output buffers" : "Activations and CUDA graphs",
       e.compute_buffer_bytes + e.output_buffer_bytes + e.cuda_graph_bytes);
  part("overhead", rt.is_llama_cpp() ? "CUDA context" : "Non-torch memory (CUDA context, NCCL)", e.runtime_reserved_bytes);
  w.end_array();

  w.key("assumptions").begin_object();
  w.field("runtime", rt.describes);
  w.field("runtime_version", rt.version);
  w.field("weights", e.gguf_file ? gguf_file_assumption(*e.gguf_file)
                     : e.quant->gguf
                         ? "tensor-by-tensor types of llama-quantize's " + e.quant->name + " preset (" +
                               (e.imatrix ? "with" : "no") + " imatrix), as in llama.cpp's llama_tensor_get_type (" +
                               kLlamaQuantVersion + ")"
                         : e.quant->description);
  if (e.params_mtp) {
    w.field("mtp", "the multi-token-prediction layer (" + std::to_string(e.params_mtp) +
                       " parameters) is not loaded: GGUF conversion skips it and vLLM loads it only for speculative decoding");
  }
  if (e.params_vision) {
    w.field("vision", a.vision_tower + ": " + std::to_string(e.params_vision) + " parameters, " +
                          (rt.is_llama_cpp() ? "not in the text GGUF: llama.cpp loads them from a separate mmproj file (--mmproj) only for image input"
                                             : "loaded with the model for image input, in BF16"));
  }
  if (a.sliding_window) {
    const bool ignored = rt.is_llama_cpp() && a.swa_disabled_llama_cpp;
    w.field("sliding_window", std::to_string(a.n_layer_swa) + " of " + std::to_string(a.n_layer) + " layers use a " +
                                  (a.swa_kind == SwaKind::chunked ? "chunked" : "sliding") + " window of " +
                                  std::to_string(a.sliding_window) + " tokens; " +
                                  (ignored ? "llama.cpp ignores this model's window (PR #13676), so every layer caches the whole context"
                                           : "those layers hold " + std::to_string(e.kv.cells_swa) + " cells instead of " +
                                                 std::to_string(e.kv.cells)));
  }
  if (a.index_head_dim) {
    w.field("indexer", "DeepSeek-V3.2 sparse attention keeps its indexer's keys per layer beside the MLA latent: " +
                           std::to_string(indexer_row_bytes(a)) + " bytes per token per layer (FP8 keys and a float32 scale per 128)");
  }
  const KvLayerElems el = kv_layer_elems(a, e.mla);
  w.field("kv_cache", std::to_string(el.k) + " K + " + std::to_string(el.v) + " V values per token per layer, " +
                          e.kv_type->name + ", " + std::to_string(a.n_layer) + " layers" +
                          (a.attention == AttentionKind::MLA ? " (MLA)" : ""));
  if (rt.is_llama_cpp()) {
    w.field("kv_cells", "n_ctx = context x sequences = " + std::to_string(e.context * e.sequences) + ", padded to " +
                            std::to_string(e.kv.cells) + " cells, one unified cache");
    w.field("compute_buffer", "largest live set of the reserve graph: " + std::to_string(e.ubatch) +
                                  "-token micro-batch over " + std::to_string(e.kv.cells) + " cells, flash attention " +
                                  (e.flash_attn ? "on" : "off (KQ scores materialised)"));
    w.field("output_buffer", "logits for " + std::to_string(e.sequences) + " sequence(s) in host memory");
  } else {
    w.field("kv_cells", std::to_string(e.context) + " tokens x " + std::to_string(e.sequences) + " sequences in blocks of " +
                            std::to_string(rt.block_size));
    w.field("compute_buffer", "profile run of " + std::to_string(rt.max_num_batched_tokens) + " batched tokens and " +
                                  std::to_string(rt.max_num_seqs) + " sequences of logits (estimate)");
    w.field("memory_fraction", "the runtime uses " + fixed2(rt.memory_fraction) +
                                   " of the GPU's memory; gpu_memory_needed_bytes divides the total by it");
  }
  w.field("units", "bytes; GB = 10^9 bytes, GiB = 2^30 bytes");
  w.end_object();
  w.key("warnings").begin_array();
  for (const std::string& x : warnings(e)) w.value(x);
  w.end_array();
  w.end_object();
  return w.take();
}

json to_json(const Estimate& e) { return json::parse(to_json_text(e)); }

}  // namespace vramcalc
