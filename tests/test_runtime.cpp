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

TEST_CASE("with flash attention the compute buffer is the logits' when they are the largest live set, at any context") {
  // ggml-alloc frees the KQ mask (a graph input) after its last consumer, the last layer's
  // attention, so the logits stage runs without it: (n_vocab + n_embd) x n_ubatch F32.
  // llama-server log (llama.cpp, 2025; a public GitHub file found by its lines) for Qwen3-14B
  // at n_ctx 32768, n_ubatch 512, flash_attn 1, q8_0 cache: "size = 2720.00 MiB ( 32768 cells,
  // 40 layers, 1 seqs), K (q8_0): 1360.00 MiB, V (q8_0): 1360.00 MiB" and "CUDA0 compute buffer
  // size = 306.75 MiB". Qwen3-14B's config.json (Qwen/Qwen3-14B on Hugging Face):
  const nlohmann::json qwen3_14b = {{"architectures", {"Qwen3ForCausalLM"}}, {"hidden_size", 5120}, {"intermediate_size", 17408},
                                    {"num_hidden_layers", 40}, {"num_attention_heads", 40}, {"num_key_value_heads", 8},
                                    {"head_dim", 128}, {"vocab_size", 151936}, {"max_position_embeddings", 40960},
                                    {"tie_word_embeddings", false}};
  vramcalc::EstimateRequest r;
  r.custom = vramcalc::arch_from_hf_config(qwen3_14b);
  r.quant = "Q8_0";
  r.kv_type = "q8_0";
  r.flash_attn = true;
  r.context = 32768;
  const vramcalc::Estimate e32k = vramcalc::estimate(r);
  CHECK(double(e32k.kv.bytes) / kMiB == doctest::Approx(2720.00).epsilon(0.0001));
  CHECK(double(e32k.compute_buffer_bytes) / kMiB == doctest::Approx(306.75).epsilon(0.005));
  // The same at 4K and 16K: the mask no longer adds to the peak (it was +96 MiB from 4K to 32K).
  for (uint64_t ctx : {4096ull, 16384ull}) {
    CAPTURE(ctx);
    r.context = ctx;
    CHECK(vramcalc::estimate(r).compute_buffer_bytes == e32k.compute_buffer_bytes);
  }
}

TEST_CASE("the logits stage sets llama.cpp's compute buffer of the 8B distill's architecture") {
  // Llama-3-8B shares DeepSeek-R1-Distill-Llama-8B's shapes (n_embd 4096, n_vocab 128256); its
  // llama.cpp logs (public GitHub issue logs, n_ubatch 512, flash_attn 0, n_ctx 512 and 2048,
  // CUDA, Metal and CPU backends) all read "compute buffer size = 258.50 MiB":
  // (128256 + 4096) x 512 x 4 bytes.
  for (uint64_t ctx : {512ull, 2048ull}) {
    CAPTURE(ctx);
    const vramcalc::Estimate e = buffers("deepseek-r1-distill-llama-8b", "llama.cpp", ctx, 1, false);
    CHECK(double(e.compute_buffer_bytes) / kMiB == doctest::Approx(258.50).epsilon(0.001));
  }
}

TEST_CASE("graph inputs and a MoE layer's phases are alive only for their part of the graph") {
  // With flash attention, the F32 mask lives only until its cast in the first layer; at long
  // contexts that moment (mask in both types beside the first query) sets the buffer, and it
  // grows with the context by 6 bytes per cell per micro-batch token, not 4 + 2 on top of every phase.
  const vramcalc::Estimate a = buffers("deepseek-r1-distill-qwen-7b", "llama.cpp", 262144, 1, true);
  const vramcalc::Estimate b = buffers("deepseek-r1-distill-qwen-7b", "llama.cpp", 524288, 1, true);
  CHECK(b.compute_buffer_bytes - a.compute_buffer_bytes == (524288ull - 262144ull) * 512 * 6);
  // A MoE layer: the shared experts run after the routed experts' sum, so their intermediates are
  // not added to the routed ones.
  const vramcalc::Estimate r1 = buffers("deepseek-r1", "llama.cpp", 4096, 1, true);
  const vramcalc::ModelArch& m = *r1.arch;
  const uint64_t t = 512, f32 = 4;
  const uint64_t routed = 3ull * m.n_ff_exp * m.n_expert_used * t * f32 + 2ull * m.n_expert * t * f32 +
                          uint64_t(m.n_embd) * m.n_expert_used * t * f32;
  CHECK(r1.llama_buffers.ffn_peak == 2ull * m.n_embd * t * f32 + routed);
}
