// Properties over seeded random architectures and settings: what must hold for any model, not
// just the catalogue's. The generator is a fixed-seed splitmix64, so every run (native, wasm32,
// sanitized) sees the same cases and a failure names the case that broke.
#include <doctest/doctest.h>

#include <cctype>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "catalog.hpp"
#include "errors.hpp"
#include "helpers.hpp"
#include "labels.hpp"
#include "plan_sums.hpp"
#include "planner.hpp"

using nlohmann::json;

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t in(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }  // inclusive
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[next() % v.size()]; }
  bool coin() { return next() & 1; }

 private:
  uint64_t s_;
};

// A Hugging Face config.json of a random model of one of the supported families. Widths are
// multiples of 256, as in every published model of these families, so the k-quant blocks fit.
json random_config(Rng& g) {
  const uint64_t family = g.in(0, 5);
  const uint64_t head_dim = g.coin() ? 128 : 64;
  const uint64_t n_embd = 256 * g.in(1, 32);
  const uint64_t n_head = n_embd / head_dim;
  std::vector<uint64_t> kv_choices;
  for (uint64_t k = 1; k <= n_head; ++k) {
    if (n_head % k == 0) kv_choices.push_back(k);
  }
  json c = {{"hidden_size", n_embd},
            {"num_hidden_layers", g.in(1, 64)},
            {"num_attention_heads", n_head},
            {"num_key_value_heads", g.pick(kv_choices)},
            {"vocab_size", 256 * g.in(4, 600)},
            {"max_position_embeddings", 1024 * g.in(2, 160)},
            {"intermediate_size", 256 * g.in(1, 100)},
            {"tie_word_embeddings", g.coin()}};
  switch (family) {
    case 0: c["architectures"] = {"LlamaForCausalLM"}; break;
    case 1: c["architectures"] = {"Qwen2ForCausalLM"}; break;
    case 2:
      c["architectures"] = {"Qwen3ForCausalLM"};
      c["head_dim"] = head_dim;
      break;
    case 3:
      c["architectures"] = {"MixtralForCausalLM"};
      c["num_local_experts"] = g.in(2, 16);
      c["num_experts_per_tok"] = g.in(1, 2);
      break;
    case 4:
      c["architectures"] = {"Qwen2MoeForCausalLM"};
      c["num_experts"] = g.in(4, 64);
      c["num_experts_per_tok"] = g.in(1, 4);
      c["moe_intermediate_size"] = 256 * g.in(1, 8);
      c["shared_expert_intermediate_size"] = g.coin() ? 256 * g.in(1, 16) : 0;
      break;
    default: {
      c["architectures"] = {"DeepseekV3ForCausalLM"};
      c["num_key_value_heads"] = n_head;
      c["kv_lora_rank"] = 256 * g.in(1, 2);
      c["q_lora_rank"] = 256 * g.in(1, 6);
      c["qk_nope_head_dim"] = 128;
      c["qk_rope_head_dim"] = 64;
      c["v_head_dim"] = 128;
      c["n_routed_experts"] = g.in(8, 64);
      c["num_experts_per_tok"] = g.in(1, 8);
      c["n_shared_experts"] = g.in(0, 2);
      c["moe_intermediate_size"] = 256 * g.in(1, 8);
      c["first_k_dense_replace"] = g.in(0, 3);
      break;
    }
  }
  if (c["num_experts_per_tok"].is_number() && c.contains("num_local_experts") &&
      c["num_experts_per_tok"].get<uint64_t>() > c["num_local_experts"].get<uint64_t>()) {
    c["num_experts_per_tok"] = c["num_local_experts"];
  }
  if (c.contains("n_routed_experts") && c["first_k_dense_replace"].get<uint64_t>() >= c["num_hidden_layers"].get<uint64_t>()) {
    c["first_k_dense_replace"] = 0;
  }
  return c;
}

struct Settings {
  std::string quant, runtime, kv_type;
  uint64_t context = 4096, sequences = 1;
  bool flash_attn = true;
};

Settings random_settings(Rng& g) {
  const vramcalc::Catalog& cat = vramcalc::catalog();
  Settings s;
  const vramcalc::RuntimeProfile& rt = cat.runtimes[g.next() % cat.runtimes.size()];
  s.runtime = rt.id;
  s.quant = cat.quants[g.next() % cat.quants.size()].name;
  s.kv_type = rt.kv_types[g.next() % rt.kv_types.size()];
  s.flash_attn = rt.is_llama_cpp() ? g.coin() : rt.flash_attn_default;
  if (rt.is_llama_cpp() && !s.flash_attn) s.kv_type = "f16";  // a quantized V cache needs flash attention
  s.context = g.in(512, 65536);
  s.sequences = g.in(1, 8);
  return s;
}

// The estimate points into its request's architecture, so the request outlives it: each call keeps
// its request in a list that lives for the test run.
vramcalc::Estimate estimate_of(const json& config, const Settings& s) {
  static std::deque<vramcalc::EstimateRequest> requests;
  if (requests.size() > 64) requests.pop_front();  // only the last few estimates are still in use
  vramcalc::EstimateRequest& r = requests.emplace_back();
  r.custom = vramcalc::arch_from_hf_config(config);
  r.quant = s.quant;
  r.runtime = s.runtime;
  r.kv_type = s.kv_type;
  r.context = s.context;
  r.sequences = s.sequences;
  r.flash_attn = s.flash_attn;
  return vramcalc::estimate(r);
}

constexpr int kCases = 150;

}  // namespace

TEST_CASE("more context never means less KV cache or a smaller total") {
  Rng g(1);
  for (int i = 0; i < kCases; ++i) {
    const json cfg = random_config(g);
    Settings s = random_settings(g);
    CAPTURE(cfg.dump());
    CAPTURE(s.quant);
    CAPTURE(s.runtime);
    CAPTURE(s.flash_attn);
    const vramcalc::Estimate a = estimate_of(cfg, s);
    const uint64_t shorter = s.context;
    s.context += g.in(1, 65536);
    CAPTURE(shorter);
    CAPTURE(s.context);
    const vramcalc::Estimate b = estimate_of(cfg, s);
    CHECK(b.kv.bytes >= a.kv.bytes);
    CHECK(b.compute_buffer_bytes >= a.compute_buffer_bytes);
    CHECK(b.total_bytes >= a.total_bytes);
  }
}

TEST_CASE("more bits per weight never means fewer weight bytes") {
  // Ladders where each step stores every tensor in at least as many bits as the step before
  // (llama-quantize's k-quant presets, the legacy block formats, the GPU formats).
  const std::vector<std::vector<std::string>> ladders = {
      {"Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16"},
      {"Q4_0", "Q5_0", "Q8_0"},
      {"Q4_1", "Q5_1", "Q8_0"},
      {"INT4", "INT8", "BF16", "FP32"},
      {"INT4", "FP8", "BF16"},
  };
  Rng g(2);
  for (int i = 0; i < kCases / 3; ++i) {
    const json cfg = random_config(g);
    Settings s = random_settings(g);
    CAPTURE(cfg.dump());
    // llama_tensor_get_type gives attn_output Q5_K under Q3_K_M but not under Q3_K_L in models of
    // exactly 8 experts (Mixtral's rule), so there the k-quant ladder may step down.
    auto is8 = [&](const char* k) { return cfg.contains(k) && cfg[k].is_number() && cfg[k].get<int>() == 8; };
    const bool eight_experts = is8("num_local_experts") || is8("n_routed_experts");
    for (const auto& ladder : ladders) {
      if (eight_experts && ladder.front() == "Q2_K") continue;
      uint64_t previous = 0;
      for (const std::string& q : ladder) {
        CAPTURE(q);
        s.quant = q;
        const vramcalc::Estimate e = estimate_of(cfg, s);
        CHECK(e.weights.bytes >= previous);
        previous = e.weights.bytes;
      }
    }
  }
}

TEST_CASE("the parts of every estimate sum to its total") {
  Rng g(3);
  for (int i = 0; i < kCases; ++i) {
    const json cfg = random_config(g);
    const Settings s = random_settings(g);
    CAPTURE(cfg.dump());
    CAPTURE(s.quant);
    CAPTURE(s.runtime);
    const json r = vramcalc::estimate_json_value({{"config", cfg}, {"quant", s.quant}, {"runtime", s.runtime},
                                                  {"kv_type", s.kv_type}, {"context", s.context},
                                                  {"sequences", s.sequences}, {"flash_attn", s.flash_attn}});
    REQUIRE_FALSE(r.contains("error"));
    uint64_t parts = 0;
    for (const json& p : r["breakdown"]) parts += p["bytes"].get<uint64_t>();
    CHECK(parts == r["total_bytes"].get<uint64_t>());
    CHECK(r["total_bytes"].get<uint64_t>() ==
          r["weights_bytes"].get<uint64_t>() + r["kv_cache_bytes"].get<uint64_t>() + r["overhead_bytes"].get<uint64_t>());
    uint64_t by_type = 0;
    for (const json& t : r["weights_by_type"]) by_type += t["bytes"].get<uint64_t>();
    CHECK(by_type == r["weights_bytes"].get<uint64_t>());
  }
}

TEST_CASE("a placement's parts sum to the estimate, on any device count and offload") {
  const std::vector<std::string> gpus = {"rtx-3060-12gb", "rtx-4090", "l40s", "a100-80gb-sxm", "h100-sxm", "mi300x",
                                         "m2-ultra-192gb", "cpu-ddr5-5600-2ch"};
  Rng g(4);
  int checked = 0;
  for (int i = 0; i < kCases; ++i) {
    const json cfg = random_config(g);
    const Settings s = random_settings(g);
    const vramcalc::Estimate e = estimate_of(cfg, s);
    vramcalc::PlanRequest p;
    p.gpu = g.pick(gpus);
    p.count = g.in(1, 8);
    if (vramcalc::catalog().find_runtime(s.runtime)->is_llama_cpp()) {
      p.offload = e.arch->is_moe() && g.coin() ? vramcalc::Offload::experts : g.coin() ? vramcalc::Offload::layers
                                                                                        : vramcalc::Offload::none;
    }
    CAPTURE(cfg.dump());
    CAPTURE(s.runtime);
    CAPTURE(s.quant);
    CAPTURE(p.gpu);
    CAPTURE(p.count);
    vramcalc::Plan plan;
    try {
      plan = vramcalc::plan(e, p);
    } catch (const vramcalc::InputError& err) {
      // Layouts a runtime refuses (heads not divisible, a CPU for vLLM) are errors naming a field.
      CHECK_FALSE(err.field().empty());
      continue;
    }
    const testing::Sums sum = testing::sums(plan);
    CHECK(sum.weights == e.weights.bytes);
    // vLLM and SGLang replicate GQA's KV heads once tensor parallelism exceeds their count
    // (QKVParallelLinear): each head is then held by tp / n_kv ranks.
    uint64_t copies = 1;
    if (e.arch->attention != vramcalc::AttentionKind::MLA) {
      const uint64_t n_kv = e.arch->n_head_kv ? e.arch->n_head_kv : e.arch->n_head;
      if (plan.layout.tp > n_kv) copies = plan.layout.tp / n_kv;
    }
    CHECK(sum.kv == e.kv.bytes * copies);
    ++checked;
  }
  CHECK(checked > kCases / 2);
}

TEST_CASE("every error names a field, by a label the message uses") {
  // Valid requests with one field replaced by a hostile value.
  const std::vector<json> junk = {"", "abc", "-1", "1e400", "NaN", std::string("a\0b", 3), "\xFF\xFE", std::string(5000, '9'),
                                  -5, 0, 1e300, -1e-9, 4096.5, true, json::array(), json::object(), nullptr};
  const std::vector<std::string> fields = {"model", "quant", "context", "sequences", "kv_type", "runtime", "flash_attn", "ubatch",
                                           "imatrix", "gpu", "gpus", "offload", "gpu_layers", "cpu_moe_layers", "ram_gb",
                                           "host", "custom_gpu", "suggest_gpu", "config", "config_text"};
  Rng g(5);
  int errors = 0;
  for (int i = 0; i < 600; ++i) {
    json req = {{"model", "deepseek-r1-distill-llama-8b"}, {"gpu", "rtx-4090"}};
    if (g.coin()) req = {{"config", random_config(g)}, {"custom_gpu", {{"memory_gb", 24}, {"bandwidth_gb_per_s", 1008}}}};
    const std::string field = g.pick(fields);
    req[field] = junk[g.next() % junk.size()];
    if (field == "custom_gpu" && g.coin()) req["custom_gpu"] = {{"memory_gb", junk[g.next() % junk.size()]}, {"bandwidth_gb_per_s", 900}};
    CAPTURE(req.dump(-1, ' ', false, json::error_handler_t::replace));
    const std::string text = vramcalc::estimate_json(req.dump(-1, ' ', false, json::error_handler_t::replace));
    const json out = json::parse(text);
    if (!out.contains("error")) continue;
    ++errors;
    const json& e = out["error"];
    const std::string f = e["field"].get<std::string>();
    const std::string message = e["message"].get<std::string>();
    CAPTURE(message);
    REQUIRE_FALSE(f.empty());
    CHECK(e["code"] != "internal");
    CHECK(message.size() < 400);
    // The message says which field: by its label, or by the config.json key it quotes.
    auto lower = [](std::string s) {
      for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    const std::string label = lower(vramcalc::field_label(f));
    const bool named = lower(message).find(label) != std::string::npos || message.find("\"" + f + "\"") != std::string::npos ||
                       message.find("config.json") != std::string::npos || lower(message).find(lower(f)) != std::string::npos;
    CHECK(named);
  }
  CHECK(errors > 300);
}
