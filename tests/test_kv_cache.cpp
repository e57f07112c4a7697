// KV cache sizes against llama.cpp's "KV self size" log lines (cited per row).
#include <doctest/doctest.h>

#include "catalog.hpp"
#include "helpers.hpp"
#include "kv_cache.hpp"

using testing::kMiB;

namespace {
vramcalc::Estimate kv_run(const char* model, const char* runtime, uint64_t ctx, uint64_t seqs, const char* kv_type,
                          bool fa) {
  return testing::run_on(model, runtime, ctx, seqs, fa, kv_type);
}
}  // namespace

TEST_CASE("KV cache matches llama.cpp's log lines") {
  struct Row { const char* model; const char* runtime; uint64_t ctx, seqs; const char* kv; bool fa; double k_mib, v_mib; const char* source; };
  const Row rows[] = {
      {"deepseek-r1-distill-qwen-7b", "llama.cpp", 2048, 1, "f16", false, 56.0, 56.0,
       "JamePeng/llama-cpp-python PR #1: 'KV self size = 112.00 MiB, K (f16): 56.00 MiB, V (f16): 56.00 MiB'"},
      {"deepseek-r1", "llama.cpp-legacy", 512, 4, "f16", false, 5856.0, 3904.0,
       "mainline build 4905, n_ctx 2048, 4 sequences (ik_llama.cpp#285): 'K (f16): 5856.00 MiB, V (f16): 3904.00 MiB'"},
      {"deepseek-r1", "ollama", 2048, 4, "f16", false, 23424.0, 15616.0,
       "Ollama deepseek-r1:671b, n_ctx 8192 = 4 x 2048 (uv-genai/llm-setonix setup.md): 'K (f16): 23424.00 MiB, V (f16): 15616.00 MiB'"},
      {"deepseek-r1", "llama.cpp-2025", 16384, 1, "f16", true, 1098.0, 976.0,
       "mainline May 2025, DeepSeek-V3-0324 (same architecture), n_ctx 16384 (ik_llama.cpp PR #394): 'K (f16): 1098.00 MiB, V (f16): 976.00 MiB'"},
      {"deepseek-r1", "llama.cpp", 32768, 1, "q8_0", true, 1166.62, 0.0,
       "latent-only cache in q8_0 at 32768 (ik_llama.cpp PR #259): 'KV self size = 1166.62 MiB, c^KV (q8_0): 1166.62 MiB'"},
      {"deepseek-r1", "llama.cpp", 65536, 1, "f16", true, 4392.0, 0.0,
       "latent-only cache in f16 at 65536 (ik_llama.cpp PR #259): 'KV self size = 4392.00 MiB'"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.source);
    const vramcalc::Estimate e = kv_run(r.model, r.runtime, r.ctx, r.seqs, r.kv, r.fa);
    CHECK(double(e.kv.k_bytes) / kMiB == doctest::Approx(r.k_mib).epsilon(0.00001));
    CHECK(double(e.kv.v_bytes) / kMiB == doctest::Approx(r.v_mib).epsilon(0.00001));
  }
}

TEST_CASE("GQA KV cache uses KV heads, not attention heads") {
  const vramcalc::Catalog& c = vramcalc::catalog();
  const vramcalc::ModelArch& a = c.find_model("deepseek-r1-distill-llama-8b")->arch;
  const vramcalc::KvLayerElems e = vramcalc::kv_layer_elems(a, vramcalc::MlaCache::latent_k);
  CHECK(e.k == 8 * 128);  // 8 KV heads, not 32
  CHECK(e.v == 8 * 128);
}

TEST_CASE("MLA caches 576 values per layer where the runtime keeps only the latent") {
  // vLLM get_head_size(): kv_lora_rank + qk_rope_head_dim; SGLang MLA cell_size the same.
  const vramcalc::ModelArch& a = vramcalc::catalog().find_model("deepseek-r1")->arch;
  CHECK(vramcalc::kv_layer_elems(a, vramcalc::MlaCache::latent_k).k == 576);
  const vramcalc::Estimate e = kv_run("deepseek-r1", "vllm", 4096, 1, "bf16", true);
  CHECK(e.kv.bytes_per_token == 576ull * 2 * 61);
}

TEST_CASE("KV cache grows linearly with context and sequences") {
  const vramcalc::Estimate a = kv_run("deepseek-r1-distill-qwen-14b", "llama.cpp", 8192, 1, "f16", true);
  const vramcalc::Estimate b = kv_run("deepseek-r1-distill-qwen-14b", "llama.cpp", 16384, 1, "f16", true);
  const vramcalc::Estimate c = kv_run("deepseek-r1-distill-qwen-14b", "llama.cpp", 8192, 2, "f16", true);
  CHECK(b.kv.bytes == 2 * a.kv.bytes);
  CHECK(c.kv.bytes == b.kv.bytes);
}

TEST_CASE("q8_0 and q4_0 caches use ggml's block sizes") {
  const vramcalc::Estimate f16 = kv_run("deepseek-r1-distill-llama-8b", "llama.cpp", 8192, 1, "f16", true);
  const vramcalc::Estimate q8 = kv_run("deepseek-r1-distill-llama-8b", "llama.cpp", 8192, 1, "q8_0", true);
  const vramcalc::Estimate q4 = kv_run("deepseek-r1-distill-llama-8b", "llama.cpp", 8192, 1, "q4_0", true);
  CHECK(q8.kv.bytes * 64 == f16.kv.bytes * 34);  // 34 bytes per 32 values vs 64
  CHECK(q4.kv.bytes * 64 == f16.kv.bytes * 18);
}
