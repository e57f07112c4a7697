#include "arch.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "arch_families.hpp"
#include "checkpoint_quant.hpp"
#include "config_read.hpp"
#include "errors.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

const char* attention_kind_name(AttentionKind k) {
  switch (k) {
    case AttentionKind::MHA: return "MHA";
    case AttentionKind::GQA: return "GQA";
    case AttentionKind::MLA: return "MLA";
  }
  return "?";
}

namespace {

using namespace config;
using detail::ArchFamily;

std::string first_architecture(const json& cfg) {
  auto it = cfg.find("architectures");
  if (it == cfg.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
  bad_field("architectures", "must be a list of class names", &*it);
}

const ArchFamily* find_family(const std::string& hf, const std::string& model_type, const std::string& text_type) {
  for (const ArchFamily& f : detail::arch_families()) {
    for (const char* c : f.classes) if (hf == c) return &f;
  }
  for (const std::string* t : {&text_type, &model_type}) {
    if (t->empty()) continue;
    for (const ArchFamily& f : detail::arch_families()) {
      for (const char* m : f.model_types) if (*t == m) return &f;
    }
  }
  return nullptr;
}

}  // namespace

std::string supported_architectures() {
  std::string s;
  for (const ArchFamily& f : detail::arch_families()) s += (s.empty() ? "" : ", ") + std::string(f.label);
  return s;
}

ModelArch arch_from_hf_config(const json& cfg) {
  if (!cfg.is_object()) {
    throw InputError("invalid_config", "config", "config.json must be a JSON object ({...}), not " +
                                                     std::string(cfg.type_name()));
  }
  ModelArch a;
  a.hf_architecture = first_architecture(cfg);
  const std::string model_type = read_string_or(cfg, "model_type", "");
  // Multimodal checkpoints (Gemma3ForConditionalGeneration, Llama4ForConditionalGeneration,
  // Mistral3ForConditionalGeneration) nest the language model's fields in text_config.
  auto tc = cfg.find("text_config");
  const bool nested = tc != cfg.end() && tc->is_object();
  if (tc != cfg.end() && !tc->is_null() && !nested) bad_field("text_config", "must be an object", &*tc);
  const std::string text_type = nested ? read_string_or(*tc, "model_type", "") : "";

  const ArchFamily* fam = find_family(a.hf_architecture, model_type, text_type);
  if (!fam) {
    if (a.hf_architecture.empty() && model_type.empty()) {
      throw InputError("missing_field", "architectures",
                       "config.json: \"architectures\" (or \"model_type\") is required to know the model's layout");
    }
    throw InputError("unsupported_architecture", "architectures",
                     "config.json: architecture " + quote_input(a.hf_architecture.empty() ? model_type : a.hf_architecture) +
                         " is not supported yet (supported: " + supported_architectures() +
                         "). Drop the model's GGUF file or its safetensors headers instead: their tensor lists give "
                         "the exact weights whatever the architecture");
  }
  a.arch = fam->arch;
  json with_defaults;
  if (fam->text_defaults) {
    with_defaults = json::parse(fam->text_defaults);
    with_defaults.update(nested ? *tc : cfg);
  }
  const json& text = fam->text_defaults ? with_defaults : nested ? *tc : cfg;

  a.n_embd = read_u32(text, "hidden_size", 1, kMaxWidth);
  a.n_layer = read_u32(text, "num_hidden_layers", 1, kMaxLayers);
  a.n_head = read_u32(text, "num_attention_heads", 1, kMaxHeads);
  a.n_head_kv = read_u32_or(text, "num_key_value_heads", a.n_head, 1, kMaxHeads);
  a.n_vocab = read_u32(text, "vocab_size", 1, kMaxVocab);
  a.n_ctx_train = read_uint(text, "max_position_embeddings", 1, kMaxContext);
  a.n_ctx_max = a.n_ctx_train;
  a.tied_embeddings = read_bool_or(text, "tie_word_embeddings", read_bool_or(cfg, "tie_word_embeddings", fam->tied_default));
  a.torch_dtype = read_string_or(cfg, "torch_dtype", read_string_or(cfg, "dtype", read_string_or(text, "torch_dtype", "bfloat16")));
  if (a.n_head % a.n_head_kv != 0) {
    bad_field("num_key_value_heads", "must divide num_attention_heads (" + std::to_string(a.n_head) + ")",
              &text["num_key_value_heads"]);
  }
  fam->read(text, a);

  a.llm_type_70b = (a.arch == "llama" || a.arch == "qwen2") && a.n_layer == 80 && a.n_head != a.n_head_kv;

  auto vc = cfg.find("vision_config");
  if (vc != cfg.end() && vc->is_object()) a.params_vision = detail::vision_params(*vc, a.arch, a.n_embd, &a.vision_tower);

  a.checkpoint = checkpoint_quant_from_config(cfg, a);

  // The GGUF token list is padded to vocab_size by llama.cpp's converter; merges are unknown for
  // a pasted config, so they are estimated as one per token (BPE vocabularies are built by merges).
  a.tokenizer.n_tokens = a.n_vocab;
  a.tokenizer.n_merges = a.n_vocab;
  a.tokenizer.known = false;
  a.id = "custom";
  a.name = read_string_or(cfg, "_name_or_path", "Custom model");
  if (a.name.empty()) a.name = "Custom model";
  return a;
}

ModelArch arch_from_hf_config_text(const std::string& text) {
  bool blank = true;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) { blank = false; break; }
  }
  if (blank) throw InputError("empty_config", "config", "config.json is empty: paste the contents of the model's config.json");
  json cfg = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (cfg.is_discarded()) {
    // Re-parse with exceptions only to get nlohmann's position for the message.
    std::string where;
    try {
      json ignored = json::parse(text);
      (void)ignored;
    } catch (const json::parse_error& e) {
      where = " (byte " + std::to_string(e.byte) + ")";
    } catch (const json::exception&) {
      // A number past a double's range ("1e309") is an out_of_range error without a position.
      where = " (a number is out of range)";
    }
    throw InputError("malformed_config", "config",
                     "config.json is not valid JSON" + where + ": the file may be truncated or missing a brace");
  }
  return arch_from_hf_config(cfg);
}

}  // namespace vramcalc
