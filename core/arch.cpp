#include "arch.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "errors.hpp"

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

// Upper bounds far above any published model, to refuse typos (an extra zero run) and overflow.
constexpr uint64_t kMaxLayers = 10'000;
constexpr uint64_t kMaxWidth = 1'000'000;
constexpr uint64_t kMaxHeads = 100'000;
constexpr uint64_t kMaxVocab = 10'000'000;
constexpr uint64_t kMaxExperts = 100'000;
constexpr uint64_t kMaxContext = 100'000'000;

std::string describe(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

[[noreturn]] void bad_field(const std::string& field, const std::string& what, const json* got) {
  std::string msg = "config.json: \"" + field + "\" " + what;
  if (got) msg += " (got " + describe(*got) + ")";
  throw InputError(got ? "invalid_field" : "missing_field", field, msg);
}

// Reads a non-negative integer field. JSON numbers such as 4096.0 are accepted as integers.
uint64_t read_uint(const json& cfg, const char* field, uint64_t min_value, uint64_t max_value) {
  auto it = cfg.find(field);
  if (it == cfg.end() || it->is_null()) bad_field(field, "is required", nullptr);
  const json& v = *it;
  uint64_t out = 0;
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
  } else if (v.is_number_integer()) {
    if (v.get<int64_t>() < 0) bad_field(field, "must not be negative", &v);
    out = static_cast<uint64_t>(v.get<int64_t>());
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) bad_field(field, "must be a whole number", &v);
    if (d < 0) bad_field(field, "must not be negative", &v);
    if (d > static_cast<double>(max_value)) bad_field(field, "is too large (at most " + std::to_string(max_value) + ")", &v);
    out = static_cast<uint64_t>(d);
  } else {
    bad_field(field, "must be a number", &v);
  }
  if (out < min_value) {
    bad_field(field, min_value == 1 ? "must be at least 1" : "must be at least " + std::to_string(min_value), &v);
  }
  if (out > max_value) bad_field(field, "is too large (at most " + std::to_string(max_value) + ")", &v);
  return out;
}

uint32_t read_u32(const json& cfg, const char* field, uint64_t min_value, uint64_t max_value) {
  return static_cast<uint32_t>(read_uint(cfg, field, min_value, max_value));
}

bool has(const json& cfg, const char* field) {
  auto it = cfg.find(field);
  return it != cfg.end() && !it->is_null();
}

uint32_t read_u32_or(const json& cfg, const char* field, uint32_t fallback, uint64_t min_value, uint64_t max_value) {
  return has(cfg, field) ? read_u32(cfg, field, min_value, max_value) : fallback;
}

bool read_bool_or(const json& cfg, const char* field, bool fallback) {
  auto it = cfg.find(field);
  if (it == cfg.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) bad_field(field, "must be true or false", &*it);
  return it->get<bool>();
}

std::string read_string_or(const json& cfg, const char* field, const std::string& fallback) {
  auto it = cfg.find(field);
  if (it == cfg.end() || it->is_null()) return fallback;
  if (!it->is_string()) bad_field(field, "must be a string", &*it);
  return it->get<std::string>();
}

std::string first_architecture(const json& cfg) {
  auto it = cfg.find("architectures");
  if (it == cfg.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
  bad_field("architectures", "must be a list of class names", &*it);
}

}  // namespace

ModelArch arch_from_hf_config(const json& cfg) {
  if (!cfg.is_object()) {
    throw InputError("invalid_config", "config", "config.json must be a JSON object ({...}), not " +
                                                     std::string(cfg.type_name()));
  }
  ModelArch a;
  a.hf_architecture = first_architecture(cfg);
  const std::string model_type = read_string_or(cfg, "model_type", "");
  const std::string& hf = a.hf_architecture;

  auto is = [&](const char* cls, const char* type) { return hf == cls || model_type == type; };
  if (is("DeepseekV3ForCausalLM", "deepseek_v3") || is("DeepseekV2ForCausalLM", "deepseek_v2")) {
    a.arch = "deepseek2";
  } else if (is("Qwen2ForCausalLM", "qwen2")) {
    a.arch = "qwen2";
  } else if (is("Qwen3ForCausalLM", "qwen3")) {
    a.arch = "qwen3";
  } else if (is("Qwen2MoeForCausalLM", "qwen2_moe")) {
    a.arch = "qwen2moe";
  } else if (is("Qwen3MoeForCausalLM", "qwen3_moe")) {
    a.arch = "qwen3moe";
  } else if (is("MixtralForCausalLM", "mixtral") || is("MistralForCausalLM", "mistral") ||
             is("LlamaForCausalLM", "llama")) {
    a.arch = "llama";  // llama.cpp converts Mistral and Mixtral to the llama architecture
  } else if (hf.empty() && model_type.empty()) {
    throw InputError("missing_field", "architectures",
                     "config.json: \"architectures\" (or \"model_type\") is required to know the model's layout");
  } else {
    throw InputError("unsupported_architecture", "architectures",
                     "config.json: architecture \"" + (hf.empty() ? model_type : hf) +
                         "\" is not supported yet (supported: Llama, Mistral, Mixtral, Qwen2, Qwen3, Qwen2-MoE, "
                         "Qwen3-MoE, DeepSeek-V2/V3/R1)");
  }

  a.n_embd = read_u32(cfg, "hidden_size", 1, kMaxWidth);
  a.n_layer = read_u32(cfg, "num_hidden_layers", 1, kMaxLayers);
  a.n_head = read_u32(cfg, "num_attention_heads", 1, kMaxHeads);
  a.n_head_kv = read_u32_or(cfg, "num_key_value_heads", a.n_head, 1, kMaxHeads);
  a.n_vocab = read_u32(cfg, "vocab_size", 1, kMaxVocab);
  a.n_ctx_train = read_uint(cfg, "max_position_embeddings", 1, kMaxContext);
  a.n_ctx_max = a.n_ctx_train;
  a.tied_embeddings = read_bool_or(cfg, "tie_word_embeddings", false);
  a.torch_dtype = read_string_or(cfg, "torch_dtype", read_string_or(cfg, "dtype", "bfloat16"));
  if (a.n_head % a.n_head_kv != 0) {
    bad_field("num_key_value_heads", "must divide num_attention_heads (" + std::to_string(a.n_head) + ")",
              &cfg["num_key_value_heads"]);
  }

  if (a.arch == "deepseek2") {
    a.attention = AttentionKind::MLA;
    a.q_lora_rank = read_u32_or(cfg, "q_lora_rank", 0, 0, kMaxWidth);
    a.kv_lora_rank = read_u32(cfg, "kv_lora_rank", 1, kMaxWidth);
    a.qk_nope_head_dim = read_u32(cfg, "qk_nope_head_dim", 1, kMaxWidth);
    a.qk_rope_head_dim = read_u32(cfg, "qk_rope_head_dim", 1, kMaxWidth);
    a.v_head_dim = read_u32(cfg, "v_head_dim", 1, kMaxWidth);
    a.n_embd_head_k = a.qk_nope_head_dim + a.qk_rope_head_dim;
    a.n_embd_head_v = a.v_head_dim;
    a.n_head_kv = a.n_head;  // MLA expands the latent to every head
    a.n_expert = read_u32_or(cfg, "n_routed_experts", 0, 0, kMaxExperts);
    if (a.n_expert > 0) {
      a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
      a.n_expert_shared = read_u32_or(cfg, "n_shared_experts", 0, 0, kMaxExperts);
      a.n_ff_exp = read_u32(cfg, "moe_intermediate_size", 1, kMaxWidth);
      a.n_ff_shexp = a.n_expert_shared * a.n_ff_exp;
      a.n_layer_dense_lead = read_u32_or(cfg, "first_k_dense_replace", 0, 0, a.n_layer);
      a.moe_layer_freq = read_u32_or(cfg, "moe_layer_freq", 1, 1, a.n_layer);
      a.expert_bias = read_string_or(cfg, "topk_method", "") == "noaux_tc";
    }
    if (a.n_expert == 0 || a.n_layer_dense_lead > 0) a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
    a.n_nextn_layer = read_u32_or(cfg, "num_nextn_predict_layers", 0, 0, kMaxLayers);
  } else {
    a.attention = a.n_head_kv == a.n_head ? AttentionKind::MHA : AttentionKind::GQA;
    if (has(cfg, "head_dim")) {
      a.n_embd_head_k = read_u32(cfg, "head_dim", 1, kMaxWidth);
    } else {
      if (a.n_embd % a.n_head != 0) {
        bad_field("num_attention_heads", "must divide hidden_size (" + std::to_string(a.n_embd) + ") when head_dim is absent",
                  &cfg["num_attention_heads"]);
      }
      a.n_embd_head_k = a.n_embd / a.n_head;
    }
    a.n_embd_head_v = a.n_embd_head_k;
    a.attn_qkv_bias = a.arch == "qwen2" || a.arch == "qwen2moe" || read_bool_or(cfg, "attention_bias", false);
    a.attn_o_bias = a.arch == "llama" && read_bool_or(cfg, "attention_bias", false);
    a.attn_qk_norm = a.arch == "qwen3" || a.arch == "qwen3moe";
    auto rs = cfg.find("rope_scaling");
    if (rs != cfg.end() && rs->is_object()) {
      const std::string type = rs->value("rope_type", rs->value("type", std::string()));
      a.rope_freqs = a.arch == "llama" && type == "llama3";
    }

    if (has(cfg, "num_local_experts")) {  // Mixtral
      a.n_expert = read_u32(cfg, "num_local_experts", 1, kMaxExperts);
      a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
      a.n_ff_exp = read_u32(cfg, "intermediate_size", 1, kMaxWidth);
    } else if (a.arch == "qwen2moe" || a.arch == "qwen3moe") {
      a.n_expert = read_u32(cfg, "num_experts", 1, kMaxExperts);
      a.n_expert_used = read_u32(cfg, "num_experts_per_tok", 1, a.n_expert);
      a.n_ff_exp = read_u32(cfg, "moe_intermediate_size", 1, kMaxWidth);
      a.moe_layer_freq = read_u32_or(cfg, "decoder_sparse_step", 1, 1, a.n_layer);
      if (a.arch == "qwen2moe") {
        a.n_ff_shexp = read_u32_or(cfg, "shared_expert_intermediate_size", 0, 0, kMaxWidth);
        a.n_expert_shared = a.n_ff_shexp > 0 ? 1 : 0;
        a.shared_expert_gate = a.n_ff_shexp > 0;
      }
    }
    if (!a.is_moe()) a.n_ff = read_u32(cfg, "intermediate_size", 1, kMaxWidth);

    // Sliding-window attention: Mistral 7B v0.1 uses it on every layer; Qwen2 only when
    // use_sliding_window is true, on the layers from max_window_layers up.
    if (has(cfg, "sliding_window")) {
      uint32_t window = read_u32(cfg, "sliding_window", 1, kMaxContext);
      if (a.arch == "qwen2" || a.arch == "qwen2moe" || a.arch == "qwen3" || a.arch == "qwen3moe") {
        if (read_bool_or(cfg, "use_sliding_window", false)) {
          uint32_t full = read_u32_or(cfg, "max_window_layers", a.n_layer, 0, kMaxLayers);
          a.sliding_window = window;
          a.n_layer_swa = full < a.n_layer ? a.n_layer - full : 0;
        }
      } else {
        a.sliding_window = window;
        a.n_layer_swa = a.n_layer;
      }
      if (a.n_layer_swa == 0) a.sliding_window = 0;
    }
  }

  a.llm_type_70b = (a.arch == "llama" || a.arch == "qwen2") && a.n_layer == 80 && a.n_head != a.n_head_kv;

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
    }
    throw InputError("malformed_config", "config",
                     "config.json is not valid JSON" + where + ": is the file truncated or missing a brace?");
  }
  return arch_from_hf_config(cfg);
}

}  // namespace vramcalc
