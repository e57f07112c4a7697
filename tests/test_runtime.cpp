// llama.cpp compute and output buffers against its log lines. The compute buffer is modelled as
// the largest live set of the reserve graph; the tolerance (10%) is what the model achieves on the
// logs below, stated rather than tuned.
#include <doctest/doctest.h>

#include "helpers.hpp"

using testing::kMiB;

namespace {
vramcalc::Estimate buffers(const char* model, const char* runtime, uint64_t ctx, uint64_t seqs, bool fa) {
  return testing::run_on(model, runtime, ctx, seqs, fa);
}
}  // namespace

TEST_CASE("compute buffers without flash attention track llama.cpp's logs within 10%") {
  struct Row { const char* model; const char* runtime; uint64_t ctx, seqs; double mib; const char* source; };
  const Row rows[] = {
      {"deepseek-r1", "llama.cpp-legacy", 512, 4, 670.01,
       "mainline build 4905, CPU, n_ctx 2048, n_ubatch 512, flash_attn 0 (ik_llama.cpp#285): 'CPU compute buffer size = 670.01 MiB'"},
      {"deepseek-r1", "ollama", 2048, 4, 2322.01,
       "Ollama deepseek-r1:671b, n_ctx 8192, n_ubatch 512, flash_attn 0, per GPU (uv-genai/llm-setonix setup.md): 'compute buffer size = 2322.01 MiB'"},
      {"deepseek-r1-distill-qwen-7b", "llama.cpp", 2048, 1, 304.5,
       "llama-cpp-python, CUDA, n_ctx 2048 (JamePeng/llama-cpp-python PR #1): 'CUDA0 compute buffer size = 304.x MiB'"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.source);
    const vramcalc::Estimate e = buffers(r.model, r.runtime, r.ctx, r.seqs, false);
    const double mib = double(e.compute_buffer_bytes) / kMiB;
    CAPTURE(mib);
    CHECK(mib == doctest::Approx(r.mib).epsilon(0.10));
  }
}

TEST_CASE("the output buffer holds one row of logits per sequence, as llama.cpp logs it") {
  struct Row { const char* model; const char* runtime; uint64_t seqs; double mib; const char* source; };
  const Row rows[] = {
      {"deepseek-r1", "llama.cpp-legacy", 4, 1.97, "ik_llama.cpp#285: 'CPU output buffer size = 1.97 MiB' (4 sequences)"},
      {"deepseek-r1", "llama.cpp-2025", 1, 0.49, "ik_llama.cpp PR #394: 'CUDA_Host output buffer size = 0.49 MiB'"},
      {"deepseek-r1-distill-qwen-7b", "llama.cpp", 1, 0.58, "JamePeng/llama-cpp-python PR #1: 'CUDA_Host output buffer size = 0.58 MiB'"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.source);
    const vramcalc::Estimate e = buffers(r.model, r.runtime, 512, r.seqs, true);
    CHECK(double(e.output_buffer_bytes) / kMiB == doctest::Approx(r.mib).epsilon(0.005));
  }
}

TEST_CASE("without flash attention the compute buffer grows with context; with it, far less") {
  const vramcalc::Estimate off8k = buffers("deepseek-r1-distill-llama-8b", "llama.cpp", 8192, 1, false);
  const vramcalc::Estimate off32k = buffers("deepseek-r1-distill-llama-8b", "llama.cpp", 32768, 1, false);
  const vramcalc::Estimate on32k = buffers("deepseek-r1-distill-llama-8b", "llama.cpp", 32768, 1, true);
  // KQ is n_kv x n_ubatch x n_head F32: 4x the context gives 4x the scores.
  CHECK(off32k.compute_buffer_bytes > 3 * off8k.compute_buffer_bytes);
  CHECK(on32k.compute_buffer_bytes * 4 < off32k.compute_buffer_bytes);
}

TEST_CASE("vLLM's total is divided by its memory fraction") {
  vramcalc::EstimateRequest r;
  r.model = "deepseek-r1-distill-qwen-7b";
  r.quant = "BF16";
  r.runtime = "vllm";
  const vramcalc::Estimate e = vramcalc::estimate(r);
  CHECK(e.gpu_memory_needed_bytes > e.total_bytes);
  CHECK(double(e.total_bytes) / double(e.gpu_memory_needed_bytes) == doctest::Approx(0.9).epsilon(0.0001));
}

TEST_CASE("vLLM's BF16 weights of the 1.5B distill match its loading log") {
  // vllm-project/vllm#12529: "Model loading took 3.3414 GB" (vLLM's GB here is GiB) for
  // DeepSeek-R1-Distill-Qwen-1.5B in BF16.
  vramcalc::EstimateRequest r;
  r.model = "deepseek-r1-distill-qwen-1.5b";
  r.quant = "BF16";
  r.runtime = "vllm";
  const vramcalc::Estimate e = vramcalc::estimate(r);
  CHECK(double(e.weights.bytes) / testing::kGiB == doctest::Approx(3.3414).epsilon(0.01));
}
