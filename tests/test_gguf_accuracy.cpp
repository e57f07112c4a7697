// Accuracy of GGUF sizes against published files and llama.cpp's own logs. Every expected value
// is a figure published elsewhere, with its source; none comes from this code.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "helpers.hpp"


namespace {

struct Published {
  const char* model;
  const char* quant;
  double gb;        // as displayed (decimal GB)
  double shown_to;  // the display's last digit (0.01 for "4.92 GB", 0.1 for "42.5 GB")
  bool imatrix;
  const char* source;
};

// Hugging Face file listings (sizes shown in decimal GB, 3 significant digits).
const Published kFiles[] = {
    {"deepseek-r1-distill-llama-8b", "Q4_K_M", 4.92, 0.01, false, "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF tree 70661aa"},
    {"deepseek-r1-distill-llama-8b", "Q2_K", 3.18, 0.01, false, "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF tree 70661aa"},
    {"deepseek-r1-distill-llama-8b", "Q3_K_M", 4.02, 0.01, false, "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF tree 70661aa"},
    {"deepseek-r1-distill-llama-8b", "Q5_K_M", 5.73, 0.01, false, "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF tree 70661aa"},
    {"deepseek-r1-distill-llama-8b", "Q6_K", 6.6, 0.1, false, "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF tree 70661aa"},
    {"deepseek-r1-distill-llama-8b", "F16", 16.1, 0.1, false, "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF tree 70661aa"},
    {"deepseek-r1-distill-qwen-7b", "Q4_K_M", 4.68, 0.01, false, "lmstudio-community/DeepSeek-R1-Distill-Qwen-7B-GGUF blob 25f00a4"},
    {"deepseek-r1-distill-qwen-7b", "Q6_K", 6.25, 0.01, false, "lmstudio-community/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 9244e85"},
    {"deepseek-r1-distill-qwen-7b", "Q8_0", 8.1, 0.1, false, "lmstudio-community/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 9244e85"},
    {"deepseek-r1-distill-qwen-7b", "Q3_K_S", 3.49, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 1920579"},
    {"deepseek-r1-distill-qwen-7b", "Q3_K_M", 3.81, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 1920579"},
    {"deepseek-r1-distill-qwen-7b", "Q3_K_L", 4.09, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 1920579"},
    {"deepseek-r1-distill-qwen-7b", "Q4_0", 4.44, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF blob bdff27c (imatrix)"},
    {"deepseek-r1-distill-qwen-7b", "Q2_K", 3.02, 0.01, true, "mradermacher/DeepSeek-R1-Distill-Qwen-7B-i1-GGUF tree c149101"},
    {"deepseek-r1-distill-qwen-14b", "Q2_K", 5.77, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF tree 13b5d9a"},
    {"deepseek-r1-distill-qwen-14b", "Q3_K_L", 7.92, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF tree 13b5d9a"},
    {"deepseek-r1-distill-qwen-14b", "Q4_0", 8.54, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF tree 987d66d (imatrix)"},
    {"deepseek-r1-distill-qwen-14b", "Q4_K_M", 8.99, 0.01, true, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF tree 987d66d"},
    {"deepseek-r1-distill-qwen-1.5b", "Q2_K", 0.753, 0.001, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49 (unsloth export)"},
    {"deepseek-r1-distill-qwen-1.5b", "Q3_K_S", 0.861, 0.001, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-qwen-1.5b", "Q3_K_M", 0.924, 0.001, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-qwen-1.5b", "Q3_K_L", 0.980, 0.001, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-qwen-1.5b", "Q4_K_M", 1.12, 0.01, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-qwen-1.5b", "Q5_K_M", 1.29, 0.01, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-qwen-1.5b", "Q8_0", 1.89, 0.01, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-qwen-1.5b", "F16", 3.56, 0.01, false, "yasserrmd/DeepSeek-R1-Distill-Qwen-1.5B-gguf tree 791af49"},
    {"deepseek-r1-distill-llama-70b", "Q2_K", 26.4, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q3_K_S", 30.9, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q3_K_M", 34.3, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q3_K_L", 37.1, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q4_K_S", 40.3, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q4_K_M", 42.5, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q5_K_S", 48.7, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q5_K_M", 49.9, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF tree main"},
    {"deepseek-r1-distill-llama-70b", "Q6_K", 57.9, 0.1, false, "mradermacher/DeepSeek-R1-Distill-Llama-70B-GGUF (two parts, 29 + 28.9 GB)"},
    {"deepseek-r1-distill-llama-70b", "Q4_0", 40.1, 0.1, true, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF tree c40ea49 (imatrix)"},
    {"deepseek-r1-distill-llama-70b", "Q4_1", 44.3, 0.1, true, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF tree c40ea49"},
    {"deepseek-r1-distill-llama-70b", "IQ4_XS", 37.9, 0.1, true, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF tree c40ea49 (imatrix)"},
    {"deepseek-r1", "Q4_K_M", 404.3, 0.5, false, "unsloth/DeepSeek-R1-GGUF DeepSeek-R1-Q4_K_M, 9 shards summing to 404.3 GB (each shown to 0.1 GB); Ollama deepseek-r1:671b 404GB"},
};

// llama.cpp's own "model size" (sum of tensor sizes, GiB to 2 decimals) and "file size" lines.
struct Logged {
  const char* model;
  const char* quant;
  double gib;
  const char* source;
};
const Logged kLogged[] = {
    {"deepseek-r1", "Q4_K_M", 376.65, "llama-bench 'deepseek2 671B Q4_K - Medium | 376.65 GiB' (lhl/strix-halo-testing rpc-test/README.md)"},
    {"deepseek-r1", "Q8_0", 664.29, "mainline build 4905 'file size = 664.29 GiB (8.50 BPW)' (ikawrakow/ik_llama.cpp#285)"},
    {"deepseek-r1-distill-llama-70b", "Q4_K_M", 39.59, "llama-bench 'llama 70B Q4_K - Medium | 39.59 GiB | 70.55 B'"},
    {"deepseek-r1-distill-qwen-32b", "Q4_K_M", 18.48, "llama-bench 'qwen2 32B Q4_K - Medium | 18.48 GiB' (eliranwong/AMD_iGPU_AI_Setup)"},
    {"deepseek-r1-distill-qwen-14b", "Q4_K_M", 8.37, "llama-bench 'qwen2 14B Q4_K - Medium | 8.37 GiB' (eliranwong/AMD_iGPU_AI_Setup)"},
    {"deepseek-r1-distill-llama-8b", "Q4_K_M", 4.58, "'file size = 4.58 GiB (4.89 BPW)' (gpustack/gpustack#1060)"},
    {"deepseek-r1-distill-qwen-7b", "Q4_K_M", 4.36, "'model size = 4.36 GiB (4.91 BPW)' (containers/ramalama#616)"},
    {"deepseek-r1-distill-qwen-1.5b", "Q4_K_M", 1.04, "llama-bench 'qwen2 1.5B Q4_K - Medium | 1.04 GiB' (eliranwong/AMD_iGPU_AI_Setup)"},
};

vramcalc::Estimate gguf(const char* model, const char* quant, bool imatrix) {
  vramcalc::EstimateRequest r;
  r.model = model;
  r.quant = quant;
  r.imatrix = imatrix;
  // The published DeepSeek-R1 GGUFs were converted in January 2025, before attn_kv_b was split.
  r.runtime = std::string(model) == "deepseek-r1" ? "llama.cpp-legacy" : "llama.cpp";
  return vramcalc::estimate(r);
}

}  // namespace

TEST_CASE("predicted GGUF file sizes are within 0.3% of published files (plus the display's rounding)") {
  double worst = 0;
  for (const Published& p : kFiles) {
    CAPTURE(p.model);
    CAPTURE(p.quant);
    CAPTURE(p.source);
    const double predicted = double(gguf(p.model, p.quant, p.imatrix).file_bytes) / 1e9;
    const double tolerance = 0.003 * p.gb + p.shown_to / 2;
    CAPTURE(predicted);
    CHECK(std::fabs(predicted - p.gb) <= tolerance);
    worst = std::max(worst, std::fabs(predicted - p.gb) / p.gb);
  }
  MESSAGE("largest deviation from a published file size: " << worst * 100 << "%");
}

TEST_CASE("tensor data matches llama.cpp's reported model size to its printed precision") {
  for (const Logged& l : kLogged) {
    CAPTURE(l.model);
    CAPTURE(l.source);
    const double gib = double(gguf(l.model, l.quant, false).weights.bytes) / testing::kGiB;
    CAPTURE(gib);
    CHECK(std::fabs(gib - l.gib) <= 0.0051);
  }
}

TEST_CASE("bits per weight match llama.cpp's BPW figures") {
  // "model size = 4.36 GiB (4.91 BPW)" (containers/ramalama#616), "4.58 GiB (4.89 BPW)"
  // (gpustack/gpustack#1060), "664.29 GiB (8.50 BPW)" (ik_llama.cpp#285).
  struct Row { const char* model; const char* quant; double bpw; };
  const Row rows[] = {{"deepseek-r1-distill-qwen-7b", "Q4_K_M", 4.91}, {"deepseek-r1-distill-llama-8b", "Q4_K_M", 4.89},
                      {"deepseek-r1", "Q8_0", 8.50}};
  for (const Row& r : rows) {
    CAPTURE(r.model);
    const vramcalc::Estimate e = gguf(r.model, r.quant, false);
    const double bpw = double(e.weights.bytes) * 8.0 / double(e.params.total);
    CHECK(std::fabs(bpw - r.bpw) <= 0.0051);
  }
}

TEST_CASE("the naive params x bits figure is labelled apart from the real file") {
  // "INT4 = 335 GB" (seed table: 671B x 0.5 bytes) versus a 404 GB Q4_K_M download.
  const vramcalc::Estimate e = gguf("deepseek-r1", "Q4_K_M", false);
  CHECK(double(e.naive_weights_bytes) / 1e9 == doctest::Approx(335.5).epsilon(0.001));
  CHECK(e.file_bytes > e.naive_weights_bytes * 6 / 5);
}
