// llama-quantize's IQ presets: the per-tensor types its rules give (expected values derived by
// hand from ggml-org/llama.cpp src/llama-quant.cpp at commit 8784689f, llama_tensor_get_type),
// and predicted file sizes against published IQ files of the R1 family.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog.hpp"
#include "helpers.hpp"
#include "quant.hpp"

using namespace vramcalc;

namespace {

// The type of every tensor of a catalogue model under a preset, keyed "blk.N.name" / "name".
std::map<std::string, GgmlType> types_of(const ModelArch& a, const std::vector<Tensor>& tensors, const char* preset,
                                         bool imatrix) {
  const Catalog& c = catalog();
  const QuantFormat& q = *c.find_quant(preset);
  GgufTypeWalker walker(a, q, c.ggml_types, imatrix, count_attention_wv(tensors));
  std::map<std::string, GgmlType> out;
  for (const Tensor& t : tensors) {
    std::string name = role_gguf_name(t.role);
    if (t.layer >= 0) name = "blk." + std::to_string(t.layer) + "." + name;
    out[name] = walker.next(t);
  }
  return out;
}

std::map<std::string, uint64_t> counts_of(const vramcalc::Estimate& e) {
  std::map<std::string, uint64_t> out;
  for (const WeightPart& p : e.weights.parts()) out[p.label] = p.tensors;
  return out;
}

vramcalc::Estimate iq(const char* model, const char* quant, bool imatrix = true, const char* runtime = "llama.cpp") {
  vramcalc::EstimateRequest r;
  r.model = model;
  r.quant = quant;
  r.imatrix = imatrix;
  r.runtime = runtime;
  return vramcalc::estimate(r);
}

ModelArch mha_llama() {
  // A Llama with as many KV heads as heads (n_gqa = 1), 32 layers.
  return arch_from_hf_config(nlohmann::json::parse(R"({"architectures": ["LlamaForCausalLM"],
    "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32,
    "num_key_value_heads": 32, "vocab_size": 32000, "max_position_embeddings": 4096})"));
}

}  // namespace

TEST_CASE("ggml IQ block sizes in the data match ggml-common.h's structs") {
  // ggml-common.h: block_iq1_m { qs[QK_K/8]; qh[QK_K/16]; scales[QK_K/32]; } (no d),
  // block_iq2_xs { d; qs[QK_K/8] u16; scales[QK_K/32]; }, block_iq2_s { d; qs[QK_K/4]; qh[QK_K/32];
  // scales[QK_K/32]; }, block_iq3_s { d; qs[QK_K/4]; qh[QK_K/32]; signs[QK_K/8]; scales[IQ3S_N_SCALE = QK_K/64]; }.
  constexpr uint32_t QK_K = 256, half = 2;
  const GgmlTypeTable& t = catalog().ggml_types;
  CHECK(t[size_t(GgmlType::IQ1_M)].type_size == QK_K / 8 + QK_K / 16 + QK_K / 32);
  CHECK(t[size_t(GgmlType::IQ2_XS)].type_size == half + QK_K / 8 * 2 + QK_K / 32);
  CHECK(t[size_t(GgmlType::IQ2_S)].type_size == half + QK_K / 4 + QK_K / 32 + QK_K / 32);
  CHECK(t[size_t(GgmlType::IQ3_S)].type_size == half + QK_K / 4 + QK_K / 32 + QK_K / 8 + QK_K / 64);
  for (GgmlType x : {GgmlType::IQ1_S, GgmlType::IQ1_M, GgmlType::IQ2_XXS, GgmlType::IQ2_XS, GgmlType::IQ2_S,
                     GgmlType::IQ3_XXS, GgmlType::IQ3_S, GgmlType::IQ4_XS}) {
    CHECK(t[size_t(x)].block_size == QK_K);
  }
  CHECK(t[size_t(GgmlType::IQ4_NL)].block_size == 32);  // QK4_NL
}

TEST_CASE("IQ presets take their default type from llama_model_quantize_impl's switch") {
  // "case LLAMA_FTYPE_MOSTLY_IQ2_S: default_type = GGML_TYPE_IQ2_XS", "IQ2_M: IQ2_S",
  // "IQ3_XS: IQ3_S", "IQ3_M: IQ3_S".
  const Catalog& c = catalog();
  const std::pair<const char*, GgmlType> rows[] = {
      {"IQ1_S", GgmlType::IQ1_S},   {"IQ1_M", GgmlType::IQ1_M},   {"IQ2_XXS", GgmlType::IQ2_XXS},
      {"IQ2_XS", GgmlType::IQ2_XS}, {"IQ2_S", GgmlType::IQ2_XS},  {"IQ2_M", GgmlType::IQ2_S},
      {"IQ3_XXS", GgmlType::IQ3_XXS}, {"IQ3_XS", GgmlType::IQ3_S}, {"IQ3_S", GgmlType::IQ3_S},
      {"IQ3_M", GgmlType::IQ3_S},   {"IQ4_NL", GgmlType::IQ4_NL}};
  for (const auto& row : rows) {
    const char* name = row.first;
    CAPTURE(name);
    REQUIRE(c.find_quant(name) != nullptr);
    CHECK(c.find_quant(name)->default_type == row.second);
  }
}

TEST_CASE("IQ1_S on DeepSeek-R1 counts ffn_down tensors, not layers, for its Q2_K guard") {
  // "if (qs.i_ffn_down < qs.n_ffn_down/8) new_type = ... GGML_TYPE_Q2_K; ++qs.i_ffn_down;" with
  // n_ffn_down = n_layer = 61, so the first 7 ffn_down tensors in file order: blk.0-2 ffn_down
  // (dense), blk.3 and blk.4 ffn_down_exps + ffn_down_shexp. A per-layer rule would reach blk.6.
  const CatalogModel& m = *catalog().find_model("deepseek-r1");
  const auto t = types_of(m.arch, m.tensors_legacy, "IQ1_S", true);
  CHECK(t.at("blk.0.ffn_down.weight") == GgmlType::Q2_K);
  CHECK(t.at("blk.2.ffn_down.weight") == GgmlType::Q2_K);
  CHECK(t.at("blk.3.ffn_down_exps.weight") == GgmlType::Q2_K);
  CHECK(t.at("blk.4.ffn_down_shexp.weight") == GgmlType::Q2_K);
  CHECK(t.at("blk.5.ffn_down_exps.weight") == GgmlType::IQ1_S);
  CHECK(t.at("blk.6.ffn_down_shexp.weight") == GgmlType::IQ1_S);
  // The rest of the branch: attn_output IQ2_XXS ("IQ1_S || IQ1_M"), output Q5_K, token_embd Q2_K,
  // shared experts' gate/up and MLA projections keep the default.
  CHECK(t.at("blk.10.attn_output.weight") == GgmlType::IQ2_XXS);
  CHECK(t.at("output.weight") == GgmlType::Q5_K);
  CHECK(t.at("token_embd.weight") == GgmlType::Q2_K);
  CHECK(t.at("blk.10.ffn_up_shexp.weight") == GgmlType::IQ1_S);
  CHECK(t.at("blk.10.attn_kv_b.weight") == GgmlType::IQ1_S);
  CHECK(t.at("blk.10.ffn_gate_inp.weight") == GgmlType::F32);
  // Split layout: attn_k_b rows of 128 values fall back from IQ1_S to IQ4_NL.
  const auto s = types_of(m.arch, m.tensors_split, "IQ1_S", true);
  CHECK(s.at("blk.10.attn_k_b.weight") == GgmlType::IQ4_NL);
  CHECK(s.at("blk.10.attn_v_b.weight") == GgmlType::IQ1_S);
}

TEST_CASE("IQ2_S and IQ2_M use IQ3_S where IQ1/IQ2_XXS use Q2_K") {
  // "new_type = ftype == IQ2_S || ftype == IQ2_M ? GGML_TYPE_IQ3_S : GGML_TYPE_Q2_K" (ffn_down
  // guard and attn_v with n_gqa < 4); token_embd "IQ2_S || IQ2_M -> IQ3_S".
  const ModelArch a = mha_llama();
  const auto tensors = enumerate_tensors(a, {});
  const auto m = types_of(a, tensors, "IQ2_M", true);
  CHECK(m.at("blk.0.attn_v.weight") == GgmlType::IQ3_S);
  CHECK(m.at("blk.3.ffn_down.weight") == GgmlType::IQ3_S);
  CHECK(m.at("blk.4.ffn_down.weight") == GgmlType::IQ2_S);  // 32/8 = 4
  CHECK(m.at("blk.9.attn_output.weight") == GgmlType::IQ3_S);
  CHECK(m.at("token_embd.weight") == GgmlType::IQ3_S);
  CHECK(m.at("blk.9.attn_q.weight") == GgmlType::IQ2_S);
  const auto xxs = types_of(a, tensors, "IQ2_XXS", true);
  CHECK(xxs.at("blk.0.attn_v.weight") == GgmlType::Q2_K);
  CHECK(xxs.at("blk.9.attn_output.weight") == GgmlType::IQ2_XXS);  // no rule for IQ2_XXS: the default
  // With grouped KV heads (n_gqa >= 4) attn_v is Q4_K (Llama-8B: 32 heads / 8 KV heads).
  const CatalogModel& l8 = *catalog().find_model("deepseek-r1-distill-llama-8b");
  CHECK(types_of(l8.arch, l8.tensors_split, "IQ2_XS", true).at("blk.5.attn_v.weight") == GgmlType::Q4_K);
}

TEST_CASE("IQ3_XXS depends on the importance matrix and IQ3_XS lifts only the middle layers") {
  const ModelArch a = mha_llama();
  const auto tensors = enumerate_tensors(a, {});
  // attn_v: "n_gqa() >= 4 ? Q4_K : !qs.has_imatrix ? IQ3_S : IQ3_XXS";
  // ffn_down: "IQ3_XXS && !qs.has_imatrix: i_layer < n_layer/8 ? Q4_K : Q3_K".
  const auto plain = types_of(a, tensors, "IQ3_XXS", false);
  const auto with = types_of(a, tensors, "IQ3_XXS", true);
  CHECK(plain.at("blk.7.attn_v.weight") == GgmlType::IQ3_S);
  CHECK(with.at("blk.7.attn_v.weight") == GgmlType::IQ3_XXS);
  CHECK(plain.at("blk.3.ffn_down.weight") == GgmlType::Q4_K);
  CHECK(plain.at("blk.4.ffn_down.weight") == GgmlType::Q3_K);
  CHECK(with.at("blk.4.ffn_down.weight") == GgmlType::IQ3_XXS);
  // attn_q / attn_k: IQ2_S; attn_output IQ3_S; token_embd IQ3_S; output Q5_K.
  CHECK(with.at("blk.7.attn_q.weight") == GgmlType::IQ2_S);
  CHECK(with.at("blk.7.attn_k.weight") == GgmlType::IQ2_S);
  CHECK(with.at("blk.7.attn_output.weight") == GgmlType::IQ3_S);
  CHECK(with.at("token_embd.weight") == GgmlType::IQ3_S);
  CHECK(with.at("output.weight") == GgmlType::Q5_K);
  // IQ3_XS: ffn_gate / ffn_up "i_layer >= n_layer/8 && i_layer < 7*n_layer/8 -> IQ3_XXS" (4..27 of 32),
  // attn_q / attn_k IQ3_XXS, output Q6_K (not in the Q5_K list).
  const auto xs = types_of(a, tensors, "IQ3_XS", true);
  CHECK(xs.at("blk.3.ffn_gate.weight") == GgmlType::IQ3_S);
  CHECK(xs.at("blk.4.ffn_up.weight") == GgmlType::IQ3_XXS);
  CHECK(xs.at("blk.27.ffn_gate.weight") == GgmlType::IQ3_XXS);
  CHECK(xs.at("blk.28.ffn_up.weight") == GgmlType::IQ3_S);
  CHECK(xs.at("blk.10.attn_k.weight") == GgmlType::IQ3_XXS);
  CHECK(xs.at("output.weight") == GgmlType::Q6_K);
  // IQ3_M: attn_v Q4_K, attn_output Q4_K, ffn_down Q4_K below n_layer/8.
  const auto m = types_of(a, tensors, "IQ3_M", true);
  CHECK(m.at("blk.20.attn_v.weight") == GgmlType::Q4_K);
  CHECK(m.at("blk.20.attn_output.weight") == GgmlType::Q4_K);
  CHECK(m.at("blk.3.ffn_down.weight") == GgmlType::Q4_K);
  CHECK(m.at("blk.4.ffn_down.weight") == GgmlType::IQ3_S);
}

TEST_CASE("IQ4_NL follows IQ4_XS's rules and a tied embedding takes the output head's type") {
  // "(IQ4_NL || IQ4_XS) && n_gqa() >= 4 -> Q5_K" for attn_v; ffn_down Q5_K below n_layer/8 without an
  // imatrix. A tied token_embd takes the output rule: "!qs.has_output && name == token_embd"
  // (Llama-3.2-3B's layout: 28 layers, 24 heads / 8 KV heads, no output.weight).
  const ModelArch a = arch_from_hf_config(nlohmann::json::parse(R"({"architectures": ["LlamaForCausalLM"],
    "hidden_size": 3072, "intermediate_size": 8192, "num_hidden_layers": 28, "num_attention_heads": 24,
    "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 128256, "tie_word_embeddings": true,
    "max_position_embeddings": 131072})"));
  REQUIRE(a.tied_embeddings);
  const auto tensors = enumerate_tensors(a, {});
  const auto nl = types_of(a, tensors, "IQ4_NL", false);
  CHECK(nl.at("blk.0.attn_v.weight") == GgmlType::IQ4_NL);  // n_gqa = 24 / 8 = 3: no Q5_K
  const CatalogModel& l8 = *catalog().find_model("deepseek-r1-distill-llama-8b");  // 32 / 8 = 4
  CHECK(types_of(l8.arch, l8.tensors_split, "IQ4_NL", true).at("blk.0.attn_v.weight") == GgmlType::Q5_K);
  CHECK(nl.at("blk.2.ffn_down.weight") == GgmlType::Q5_K);  // 28/8 = 3
  CHECK(nl.at("blk.3.ffn_down.weight") == GgmlType::IQ4_NL);
  CHECK(nl.at("token_embd.weight") == GgmlType::Q6_K);
  CHECK(types_of(a, tensors, "IQ4_NL", true).at("blk.2.ffn_down.weight") == GgmlType::IQ4_NL);
  CHECK(types_of(a, tensors, "IQ1_M", true).at("token_embd.weight") == GgmlType::Q5_K);
  CHECK(types_of(a, tensors, "IQ2_XXS", true).at("token_embd.weight") == GgmlType::Q5_K);
}

TEST_CASE("IQ1 and IQ2 presets need an importance matrix: a warning says so") {
  // llama_model_quantize_impl: "Missing importance matrix for tensor %s in a very low-bit quantization"
  // for IQ2_XXS / IQ2_XS / IQ2_S / IQ1_S tensors, which IQ3_XXS also writes (attn_q, attn_k: IQ2_S).
  for (const char* p : {"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS"}) {
    CAPTURE(p);
    const vramcalc::Estimate e = iq("deepseek-r1-distill-qwen-7b", p, false);
    CHECK(e.weights.imatrix_required_tensors > 0);
    bool warned = false;
    for (const std::string& w : warnings(e)) warned |= w.find("importance matrix") != std::string::npos;
    CHECK(warned);
    for (const std::string& w : warnings(iq("deepseek-r1-distill-qwen-7b", p, true))) {
      CHECK(w.find("importance matrix") == std::string::npos);
    }
  }
  for (const char* p : {"IQ3_XS", "IQ3_S", "IQ3_M", "IQ4_XS", "IQ4_NL", "Q4_K_M", "Q2_K"}) {
    CAPTURE(p);
    CHECK(iq("deepseek-r1-distill-qwen-7b", p, false).weights.imatrix_required_tensors == 0);
  }
}

namespace {

// Hugging Face LFS pointers ("size N" in the upload commit's diff): exact file sizes in bytes.
struct ExactFile {
  const char* model;
  const char* quant;
  uint64_t bytes;
  const char* source;
};
const ExactFile kExact[] = {
    {"deepseek-r1-distill-llama-8b", "IQ3_XS", 3518749536, "bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF commit a16affc"},
    {"deepseek-r1-distill-llama-8b", "IQ4_NL", 4677991264, "bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF commit 154e49d"},
    {"deepseek-r1-distill-llama-8b", "Q4_K_M", 4920736608, "bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF commit 2a97a81"},
    {"deepseek-r1-distill-llama-70b", "IQ1_M", 16751198368, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF commit c281049"},
    {"deepseek-r1-distill-llama-70b", "IQ2_XXS", 19097387168, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF commit c9d98b4"},
    {"deepseek-r1-distill-llama-70b", "IQ2_XS", 21142110368, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF commit 39b4ecc"},
    {"deepseek-r1-distill-llama-70b", "IQ3_XXS", 27469496480, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF commit 0a2ebc9"},
    {"deepseek-r1-distill-llama-70b", "IQ4_XS", 37902663840, "bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF commit d68c48b"},
    {"deepseek-r1-distill-qwen-14b", "IQ3_XS", 6383361440, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF commit ad1f222"},
    {"deepseek-r1-distill-qwen-14b", "IQ4_XS", 8119840160, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF commit 497e3b4"},
    {"deepseek-r1-distill-qwen-32b", "IQ2_XXS", 9028249760, "bartowski/DeepSeek-R1-Distill-Qwen-32B-GGUF commit d02e014"},
};

// Hugging Face file listings in decimal GB (each shard shown to 0.1 GB, or to 0.01 GB below 10 GB).
struct ShownFile {
  const char* model;
  const char* quant;
  double gb;
  double shown_to;  // half the rounding of every shown figure, summed
  const char* source;
};
const ShownFile kShown[] = {
    {"deepseek-r1-distill-qwen-7b", "IQ3_M", 3.57, 0.005, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 1920579"},
    {"deepseek-r1-distill-qwen-7b", "IQ4_NL", 4.44, 0.005, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 1920579"},
    {"deepseek-r1-distill-qwen-7b", "IQ4_XS", 4.22, 0.005, "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF tree 1920579"},
    {"deepseek-r1-distill-qwen-14b", "IQ3_M", 6.92, 0.005, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF tree 13b5d9a"},
    {"deepseek-r1-distill-qwen-14b", "IQ4_NL", 8.55, 0.005, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF tree 13b5d9a"},
    {"deepseek-r1-distill-qwen-14b", "IQ2_S", 5.0, 0.05, "bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF blob 16786c6 (\"5 GB\")"},
    {"deepseek-r1-distill-qwen-32b", "IQ4_XS", 17.7, 0.05, "bartowski/DeepSeek-R1-Distill-Qwen-32B-GGUF blob 223a646"},
    {"deepseek-r1-distill-qwen-1.5b", "IQ3_XS", 0.832, 0.0005, "bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF blob 9cc28b1"},
    {"deepseek-r1-distill-llama-8b", "IQ4_XS", 4.45, 0.005, "bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF blob 6ed5ebc"},
    // DeepSeek-R1 (converted January 2025: attn_kv_b unsplit), shards summed.
    {"deepseek-r1", "IQ1_S", 39.3 + 40 + 39.9 + 14.3, 4 * 0.05, "bartowski/DeepSeek-R1-GGUF tree main/DeepSeek-R1-IQ1_S (4 shards)"},
    {"deepseek-r1", "IQ3_M", 38.9 + 6 * 39.7 + 14.8, 8 * 0.05, "bartowski/DeepSeek-R1-GGUF tree 7fd7edf/DeepSeek-R1-IQ3_M (8 shards)"},
    {"deepseek-r1", "IQ4_NL", 39 + 8 * 38.9 + 28, 10 * 0.05, "bartowski/DeepSeek-R1-GGUF tree a189ce5/DeepSeek-R1-IQ4_NL (10 shards)"},
    {"deepseek-r1", "IQ4_XS", 39 + 38.7 * 6 + 38.8 * 2 + 8.12, 9 * 0.05 + 0.005,
     "bartowski/DeepSeek-R1-GGUF tree 744abe3/DeepSeek-R1-IQ4_XS (10 shards)"},
};

vramcalc::Estimate published_estimate(const char* model, const char* quant) {
  // bartowski's files are quantized with an importance matrix ("imatrix" tag on each repository).
  return iq(model, quant, true, std::string(model) == "deepseek-r1" ? "llama.cpp-legacy" : "llama.cpp");
}

}  // namespace

TEST_CASE("IQ file sizes: tensor data exact to the byte, the whole file within 0.03% of the published bytes") {
  // The header (tokenizer strings, chat template) is estimated; the tensor data is computed. Two
  // files of one model share their header, so their difference must match to the byte.
  std::map<std::string, int64_t> header_error;  // published - predicted, per model
  double worst = 0;
  for (const ExactFile& f : kExact) {
    CAPTURE(f.model);
    CAPTURE(f.quant);
    CAPTURE(f.source);
    const vramcalc::Estimate e = published_estimate(f.model, f.quant);
    const int64_t err = int64_t(f.bytes) - int64_t(e.file_bytes);
    CHECK(std::fabs(double(err)) / double(f.bytes) < 0.0003);
    worst = std::max(worst, std::fabs(double(err)) / double(f.bytes));
    auto it = header_error.find(f.model);
    if (it == header_error.end()) header_error[f.model] = err;
    else CHECK(err == it->second);  // byte-exact tensor data
  }
  MESSAGE("largest deviation from an exact published IQ file size: " << worst * 100 << "%");
}

TEST_CASE("IQ file sizes within 0.3% of published listings (plus the display's rounding)") {
  double worst = 0;
  for (const ShownFile& f : kShown) {
    CAPTURE(f.model);
    CAPTURE(f.quant);
    CAPTURE(f.source);
    const double predicted = double(published_estimate(f.model, f.quant).file_bytes) / 1e9;
    CAPTURE(predicted);
    CHECK(std::fabs(predicted - f.gb) <= 0.003 * f.gb + f.shown_to);
    worst = std::max(worst, std::fabs(predicted - f.gb) / f.gb);
  }
  MESSAGE("largest deviation from a listed IQ file size: " << worst * 100 << "%");
}

TEST_CASE("IQ1_S on DeepSeek-R1: tensor-type counts of the whole file") {
  // Legacy layout, 61 layers (3 dense), from the rules above: F32 361 (norms, routers, expert
  // biases), Q2_K 8 (token_embd + 7 ffn_down), Q5_K 1 (output), IQ2_XXS 61 (attn_output), IQ1_S
  // the other 594 matrices.
  const auto c = counts_of(published_estimate("deepseek-r1", "IQ1_S"));
  CHECK(c.at("F32") == 361);
  CHECK(c.at("Q2_K") == 8);
  CHECK(c.at("Q5_K") == 1);
  CHECK(c.at("IQ2_XXS") == 61);
  CHECK(c.at("IQ1_S") == 594);
}
