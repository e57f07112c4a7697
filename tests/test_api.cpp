// The JSON contract shared by the CLI, the WebAssembly module and the page.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"

using nlohmann::json;
using testing::error_of;

TEST_CASE("an estimate carries every field of the contract and its total is the sum of its parts") {
  for (const char* model : {"deepseek-r1", "deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-llama-70b"}) {
    for (const char* quant : {"Q4_K_M", "Q8_0", "BF16", "FP8-block", "INT4"}) {
      for (const char* runtime : {"llama.cpp", "vllm"}) {
        CAPTURE(std::string(model));
        CAPTURE(std::string(quant));
        CAPTURE(std::string(runtime));
        const json r = vramcalc::estimate_json_value({{"model", model}, {"quant", quant}, {"runtime", runtime}, {"context", 32768}});
        REQUIRE_FALSE(r.contains("error"));
        for (const char* f : {"params_total", "params_active", "weights_bytes", "file_bytes", "kv_bytes_per_token",
                              "kv_cache_bytes", "compute_buffer_bytes", "overhead_bytes", "total_bytes", "assumptions",
                              "warnings", "breakdown", "naive_weights_bytes"}) {
          CAPTURE(f);
          CHECK(r.contains(f));
        }
        CHECK(r["total_bytes"].get<uint64_t>() ==
              r["weights_bytes"].get<uint64_t>() + r["kv_cache_bytes"].get<uint64_t>() + r["overhead_bytes"].get<uint64_t>());
        uint64_t parts = 0;
        for (const json& p : r["breakdown"]) parts += p["bytes"].get<uint64_t>();
        CHECK(parts == r["total_bytes"].get<uint64_t>());
        CHECK(r["file_bytes"].is_null() == (std::string(quant) == "BF16" || std::string(quant).rfind("FP8", 0) == 0 ||
                                            std::string(quant) == "INT4"));
        CHECK(r["overhead_bytes"].get<uint64_t>() >= r["compute_buffer_bytes"].get<uint64_t>());
      }
    }
  }
}

TEST_CASE("bad requests come back as errors naming the field") {
  struct Row { json request; const char* field; std::string message; };
  const Row rows[] = {
      {{{"model", "deepseek-r2"}}, "model", "unknown model \"deepseek-r2\""},
      {{{"model", "deepseek-r1"}, {"quant", "Q4_K_XL"}}, "quant", "unknown quantization \"Q4_K_XL\""},
      {{{"model", "deepseek-r1"}, {"runtime", "tgi"}}, "runtime",
       "unknown runtime \"tgi\" (one of: llama.cpp, llama.cpp-2025, llama.cpp-legacy, ik_llama.cpp, ik_llama.cpp-mla1, ktransformers, ollama, vllm, sglang)"},
      {{{"model", "deepseek-r1"}, {"kv_type", "fp8"}}, "kv_type",
       "KV cache type \"fp8\" is not available in llama.cpp (2026 builds) (one of: f16, bf16, q8_0, q4_0)"},
      {{{"model", "deepseek-r1"}, {"context", 0}}, "context", "Context must be at least 1 token (got 0)"},
      {{{"model", "deepseek-r1"}, {"context", -5}}, "context", "Context cannot be negative (got -5)"},
      {{{"model", "deepseek-r1"}, {"context", "abc"}}, "context", "Context must be a whole number (got \"abc\")"},
      {{{"model", "deepseek-r1"}, {"context", ""}}, "context", "Context is empty: enter a whole number"},
      {{{"model", "deepseek-r1"}, {"context", 1e12}}, "context",
       "Context of 1000000000000 tokens is beyond any model: at most 100,000,000"},
      {{{"model", "deepseek-r1"}, {"context", 1e15}}, "context",
       "Context of 1000000000000000 tokens is beyond any model: at most 100,000,000"},
      {{{"model", "deepseek-r1"}, {"context", 1e16}}, "context",
       "Context is far too large: at most 1,000,000,000,000,000 (got 10000000000000000)"},
      {{{"model", "deepseek-r1"}, {"context", 4096.5}}, "context", "Context must be a whole number (got 4096.5)"},
      {{{"model", "deepseek-r1"}, {"sequences", 0}}, "sequences", "Concurrent sequences must be between 1 and 4096 (got 0)"},
      {{{"model", "deepseek-r1"}, {"sequences", "-1"}}, "sequences", "Concurrent sequences cannot be negative (got \"-1\")"},
      {{{"model", "deepseek-r1-distill-qwen-7b"}, {"kv_type", "q4_0"}, {"flash_attn", false}}, "kv_type",
       "llama.cpp stores a quantized V cache (q4_0) only with flash attention on: turn flash attention on or use f16"},
      {{{"config_text", "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 4096"}}, "config",
       "config.json is not valid JSON (byte 60): the file may be truncated or missing a brace"},
      {{{"config", {{"architectures", {"LlamaForCausalLM"}}, {"hidden_size", -1}}}}, "hidden_size",
       "config.json: \"hidden_size\" must not be negative (got -1)"},
      {json::array(), "request", "the request must be a JSON object"},
      // Found by the URL-state property test: nlohmann reports an out-of-range number as
      // out_of_range.406, not a parse error, and it escaped as an internal error.
      {{{"config_text", "1e309"}}, "config", "config.json is not valid JSON (a number is out of range): the file may be truncated or missing a brace"},
      // What the user typed is quoted by its first 40 characters only, and a NUL stays visible.
      {{{"model", std::string(10000, 'x')}}, "model",
       "unknown model \"" + std::string(40, 'x') + "...\" (10000 characters)"},
      {{{"model", std::string("r1\0evil", 7)}}, "model", "unknown model \"r1\xE2\x90\x80" "evil\""},
      {{{"model", "deepseek-r1"}, {"custom_gpu", {{"memory_gb", "24"}, {"bandwidth_gb_per_s", 1e-9}}}}, "custom_gpu.bandwidth_gb_per_s",
       "GPU bandwidth (GB/s) must be at least 1: slower than any memory a model runs from (got 0.000000001)"},
      {{{"model", "deepseek-r1"}, {"custom_gpu", {{"memory_gb", 1e15}, {"bandwidth_gb_per_s", 900}}}}, "custom_gpu.memory_gb",
       "GPU memory (GB) is beyond any device: at most 100,000 (got 1000000000000000)"},
      {{{"model", "deepseek-r1"}, {"gpu", "rtx-4090"}, {"offload", "layers"}, {"gpu_layers", "many"}}, "gpu_layers",
       "Layers on the GPU must be a whole number (got \"many\")"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.request.dump());
    const json e = error_of(r.request);
    REQUIRE_FALSE(e.is_null());
    CHECK(e["field"] == r.field);
    CHECK(e["message"] == r.message);
    CHECK_FALSE(e["code"].get<std::string>().empty());
  }
}

TEST_CASE("malformed request text is an error, not a crash") {
  const json out = json::parse(vramcalc::estimate_json("{\"model\": "));
  CHECK(out["error"]["field"] == "request");
}

TEST_CASE("a pasted config.json is estimated like the catalogue entry it equals") {
  const json cfg = json::parse(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
    "vocab_size": 128256, "tie_word_embeddings": false, "max_position_embeddings": 131072,
    "rope_scaling": {"factor": 8.0, "rope_type": "llama3"}})");
  const json a = vramcalc::estimate_json_value({{"config", cfg}});
  const json b = vramcalc::estimate_json_value({{"model", "deepseek-r1-distill-llama-8b"}});
  CHECK(a["params_total"] == b["params_total"]);
  CHECK(a["weights_bytes"] == b["weights_bytes"]);
  CHECK(a["kv_cache_bytes"] == b["kv_cache_bytes"]);
}

TEST_CASE("no estimate over the catalogue holds a NaN, an infinity or a negative number") {
  const json cat = vramcalc::catalog_json();
  for (const json& m : cat["models"]) {
    for (const json& q : cat["quants"]) {
      for (uint64_t ctx : {512ull, 4096ull, 131072ull, 1000000ull}) {
        const json r = vramcalc::estimate_json_value({{"model", m["id"]}, {"quant", q["name"]}, {"context", ctx}});
        REQUIRE_FALSE(r.contains("error"));
        for (const auto& [k, v] : r.items()) {
          if (v.is_number_float()) CHECK(std::isfinite(v.get<double>()));
          if (v.is_number_integer() && !v.is_number_unsigned()) CHECK(v.get<int64_t>() >= 0);
        }
      }
    }
  }
}

TEST_CASE("a context beyond the model's is allowed with a warning") {
  const json r = vramcalc::estimate_json_value({{"model", "deepseek-r1-distill-qwen-7b"}, {"context", 200000}});
  REQUIRE_FALSE(r.contains("error"));
  bool warned = false;
  for (const json& w : r["warnings"]) warned |= w.get<std::string>().find("beyond the 131072") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("the estimate without the hardware planner is identical, and names a hardware field it cannot serve") {
  const json req = {{"model", "deepseek-r1"}, {"quant", "Q2_K"}, {"context", 16384}, {"sequences", 2}};
  CHECK(vramcalc::estimate_json_without_hardware(req.dump()) == vramcalc::estimate_json(req.dump()));
  const json out = json::parse(vramcalc::estimate_json_without_hardware(json{{"model", "deepseek-r1"}, {"gpu", "h100-sxm"}}.dump()));
  CHECK(out["error"]["field"] == "gpu");
  CHECK(out["error"]["code"] == "needs_planner");
}
