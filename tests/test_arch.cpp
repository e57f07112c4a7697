#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "arch.hpp"
#include "catalog.hpp"
#include "errors.hpp"

using nlohmann::json;
using namespace vramcalc;

namespace {

json llama8b_config() {
  // deepseek-ai/DeepSeek-R1-Distill-Llama-8B config.json (see data/models.json for the source)
  return json::parse(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
    "vocab_size": 128256, "tie_word_embeddings": false, "max_position_embeddings": 131072,
    "rope_scaling": {"factor": 8.0, "rope_type": "llama3"}, "torch_dtype": "bfloat16"})");
}

std::string error_field(const json& cfg) {
  try {
    arch_from_hf_config(cfg);
  } catch (const InputError& e) {
    return e.field() + ": " + e.what();
  }
  return "no error";
}

std::string text_error(const std::string& text) {
  try {
    arch_from_hf_config_text(text);
  } catch (const InputError& e) {
    return e.field() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a Llama config gives grouped-query attention with KV heads from num_key_value_heads") {
  const ModelArch a = arch_from_hf_config(llama8b_config());
  CHECK(a.arch == "llama");
  CHECK(a.attention == AttentionKind::GQA);
  CHECK(a.n_head_kv == 8);
  CHECK(a.n_embd_head_k == 128);
  CHECK(a.n_gqa() == 4);
  CHECK_FALSE(a.attn_qkv_bias);
  CHECK(a.rope_freqs);
}

TEST_CASE("Qwen2 configs get q/k/v biases and untied embeddings unless stated") {
  const ModelArch& a = catalog().find_model("deepseek-r1-distill-qwen-1.5b")->arch;
  CHECK(a.arch == "qwen2");
  CHECK(a.attn_qkv_bias);
  CHECK_FALSE(a.tied_embeddings);  // the 1.5B distill unties them, unlike Qwen2.5-1.5B
  CHECK(a.n_ctx_train == 131072);
  CHECK(a.sliding_window == 0);    // use_sliding_window is false
}

TEST_CASE("DeepSeek-R1's config gives MLA with split head dims and a routed plus shared MoE") {
  const ModelArch& a = catalog().find_model("deepseek-r1")->arch;
  CHECK(a.arch == "deepseek2");
  CHECK(a.attention == AttentionKind::MLA);
  CHECK(a.q_lora_rank == 1536);
  CHECK(a.kv_lora_rank == 512);
  CHECK(a.n_embd_head_k == 192);  // qk_nope 128 + qk_rope 64
  CHECK(a.n_embd_head_v == 128);
  CHECK(a.n_expert == 256);
  CHECK(a.n_expert_used == 8);
  CHECK(a.n_expert_shared == 1);
  CHECK(a.n_layer_dense_lead == 3);
  CHECK(a.n_nextn_layer == 1);
  CHECK(a.expert_bias);
  CHECK(a.is_moe_layer(3));
  CHECK_FALSE(a.is_moe_layer(2));
  CHECK(a.n_ctx_max == 131072);  // model card: 128K, although config.json allows 163840
}

TEST_CASE("missing, negative, non-numeric and absurd config fields are named in the error") {
  struct Row { const char* field; json value; const char* expect; };
  const Row rows[] = {
      {"hidden_size", nullptr, "hidden_size: config.json: \"hidden_size\" is required"},
      {"hidden_size", -4096, "hidden_size: config.json: \"hidden_size\" must not be negative (got -4096)"},
      {"num_hidden_layers", "32", "num_hidden_layers: config.json: \"num_hidden_layers\" must be a number (got \"32\")"},
      {"num_hidden_layers", 0, "num_hidden_layers: config.json: \"num_hidden_layers\" must be at least 1 (got 0)"},
      {"vocab_size", 1e12, "vocab_size: config.json: \"vocab_size\" is too large: at most 10,000,000 (got 1000000000000)"},
      {"num_attention_heads", 32.5, "num_attention_heads: config.json: \"num_attention_heads\" must be a whole number (got 32.5)"},
      {"num_key_value_heads", 7, "num_key_value_heads: config.json: \"num_key_value_heads\" must divide num_attention_heads (32) (got 7)"},
      {"tie_word_embeddings", "yes", "tie_word_embeddings: config.json: \"tie_word_embeddings\" must be true or false (got \"yes\")"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.field);
    json cfg = llama8b_config();
    if (r.value.is_null()) cfg.erase(r.field);
    else cfg[r.field] = r.value;
    CHECK(error_field(cfg) == r.expect);
  }
}

TEST_CASE("empty, truncated and malformed config text get a clear message") {
  CHECK(text_error("") == "config: config.json is empty: paste the contents of the model's config.json");
  CHECK(text_error("  \n") == "config: config.json is empty: paste the contents of the model's config.json");
  const std::string full = llama8b_config().dump();
  CHECK(text_error(full.substr(0, full.size() / 2)).rfind("config: config.json is not valid JSON (byte", 0) == 0);
  CHECK(text_error("[1, 2]") == "config: config.json must be a JSON object ({...}), not array");
  // An unknown architecture: the message names it, lists what is known and says what to do instead.
  const std::string unknown = text_error(R"({"architectures": ["GPTBigCodeForCausalLM"], "hidden_size": 1})");
  CHECK(unknown.rfind("architectures: config.json: architecture \"GPTBigCodeForCausalLM\" is not supported yet (supported: ", 0) == 0);
  for (const char* known : {"Llama", "Qwen3-MoE", "DeepSeek-V3.2", "Gemma 3", "gpt-oss", "Phi-4", "Llama 4", "GLM-4.5"}) {
    CAPTURE(known);
    CHECK(unknown.find(known) != std::string::npos);
  }
  CHECK(unknown.find("Drop the model's GGUF file or its safetensors headers instead") != std::string::npos);
  CHECK(text_error(R"({"hidden_size": 4096})") ==
        "architectures: config.json: \"architectures\" (or \"model_type\") is required to know the model's layout");
}

TEST_CASE("a parsed config round-trips through JSON text unchanged") {
  const ModelArch a = arch_from_hf_config(llama8b_config());
  const ModelArch b = arch_from_hf_config_text(llama8b_config().dump(2));
  CHECK(a.n_layer == b.n_layer);
  CHECK(a.n_embd == b.n_embd);
  CHECK(a.n_head_kv == b.n_head_kv);
  CHECK(a.n_vocab == b.n_vocab);
}

TEST_CASE("Mistral's sliding window applies to every layer; Qwen2's only when enabled") {
  json mistral = llama8b_config();
  mistral["architectures"] = {"MistralForCausalLM"};
  mistral["sliding_window"] = 4096;
  const ModelArch m = arch_from_hf_config(mistral);
  CHECK(m.sliding_window == 4096);
  CHECK(m.n_layer_swa == 32);

  json qwen = llama8b_config();
  qwen["architectures"] = {"Qwen2ForCausalLM"};
  qwen["sliding_window"] = 4096;
  qwen["use_sliding_window"] = true;
  qwen["max_window_layers"] = 28;
  const ModelArch q = arch_from_hf_config(qwen);
  CHECK(q.sliding_window == 4096);
  CHECK(q.n_layer_swa == 4);
}
