// Reading GGUF headers: a file is written here in the GGUF layout (ggml docs/gguf.md) with the
// metadata keys llama.cpp's converter writes, then read back.
#include <doctest/doctest.h>

#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "arch.hpp"
#include "catalog.hpp"
#include "errors.hpp"
#include "gguf.hpp"
#include "api.hpp"
#include "quant.hpp"
#include "gguf_writer.hpp"

using nlohmann::json;
using namespace vramcalc;

namespace {

using Writer = testing::GgufWriter;

uint32_t ggml_id(GgmlType t) {
  switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::Q4_K: return 12;
    case GgmlType::Q6_K: return 14;
    default: return 1;
  }
}

// DeepSeek-R1-Distill-Llama-8B as llama.cpp writes it at Q4_K_M (keys as in its loader dumps).
std::string llama8b_gguf(uint64_t n_tokens, uint64_t* tensor_count = nullptr) {
  const Catalog& c = catalog();
  const CatalogModel& m = *c.find_model("deepseek-r1-distill-llama-8b");
  const QuantFormat& q = *c.find_quant("Q4_K_M");
  Writer w;
  w.header(m.tensors_split.size(), 12);
  w.kv_str("general.architecture", "llama");
  w.kv_str("general.name", "DeepSeek R1 Distill Llama 8B");
  w.kv_u32("general.file_type", 15);
  w.kv_u32("llama.block_count", 32);
  w.kv_u32("llama.context_length", 131072);
  w.kv_u32("llama.embedding_length", 4096);
  w.kv_u32("llama.feed_forward_length", 14336);
  w.kv_u32("llama.attention.head_count", 32);
  w.kv_u32("llama.attention.head_count_kv", 8);
  w.kv_f32("llama.rope.freq_base", 500000.0f);
  w.kv_str("tokenizer.ggml.model", "gpt2");
  w.kv_str_array("tokenizer.ggml.tokens", n_tokens);
  uint64_t offset = 0;
  int i_attention_wv = 0;
  for (const Tensor& t : m.tensors_split) {
    std::string name = role_gguf_name(t.role);
    if (t.layer >= 0) name = "blk." + std::to_string(t.layer) + "." + name;
    w.str(name);
    w.put<uint32_t>(t.n_dims);
    w.put<uint64_t>(t.ne0);
    if (t.n_dims > 1) w.put<uint64_t>(t.ne1);
    if (t.n_dims > 2) w.put<uint64_t>(t.ne2);
    const GgmlType type = gguf_tensor_type(m.arch, q, t, c.ggml_types, i_attention_wv, 32, false, nullptr);
    if (t.role == Role::attn_v) ++i_attention_wv;
    w.put<uint32_t>(ggml_id(type));
    w.put<uint64_t>(offset);
    offset += (t.rows() * row_bytes(c.ggml_types, type, t.ne0) + 31) / 32 * 32;
  }
  if (tensor_count) *tensor_count = m.tensors_split.size();
  return w.out;
}

}  // namespace

TEST_CASE("a GGUF header gives back the architecture and the published parameter count") {
  uint64_t n = 0;
  const json s = gguf_summary_json(llama8b_gguf(128256, &n));
  REQUIRE_FALSE(s.contains("error"));
  // llama.cpp loader dumps of Llama-3.1-8B GGUFs: "... and 292 tensors" (with rope_freqs).
  CHECK(n == 292);
  CHECK(s["tensors"] == 292);
  CHECK(s["architecture"] == "llama");
  const ModelArch a = arch_from_hf_config(s["config"]);
  CHECK(a.n_head_kv == 8);
  CHECK(a.n_vocab == 128256);
  CHECK_FALSE(a.tied_embeddings);
  // Hugging Face safetensors total of deepseek-ai/DeepSeek-R1-Distill-Llama-8B.
  CHECK(s["params"] == 8'030'261'248ull);
}

TEST_CASE("the weights read from a GGUF header match llama.cpp's model size") {
  const json s = gguf_summary_json(llama8b_gguf(128256));
  REQUIRE_FALSE(s.contains("error"));
  // "file size = 4.58 GiB (4.89 BPW)" (gpustack/gpustack#1060) for the Q4_K_M file.
  CHECK(s["weights_bytes"].get<double>() / (1ull << 30) == doctest::Approx(4.58).epsilon(0.002));
}

TEST_CASE("every truncation of a GGUF header is a clear error, never a crash") {
  const std::string full = llama8b_gguf(2000);
  for (size_t cut = 0; cut < full.size(); cut += 97) {
    CAPTURE(cut);
    const json s = gguf_summary_json(std::string_view(full).substr(0, cut));
    REQUIRE(s.contains("error"));
    CHECK(s["error"]["field"] == "gguf");
    if (cut >= 4) {
      CHECK(s["error"]["code"] == "truncated_gguf");
      CHECK(s["need_bytes"].get<uint64_t>() > cut);
    }
  }
}

TEST_CASE("files that are not GGUF, or are corrupted, are refused with a reason") {
  CHECK(gguf_summary_json("PK\x03\x04 not a gguf")["error"]["message"] == "not a readable GGUF file: it does not start with \"GGUF\"");
  std::string v9 = llama8b_gguf(10);
  v9[4] = 9;
  CHECK(gguf_summary_json(v9)["error"]["message"] == "not a readable GGUF file: GGUF version 9 (2 and 3 are supported)");
  // Random byte flips: every outcome is a summary or an error object.
  std::mt19937 rng(12345);
  const std::string base = llama8b_gguf(50);
  for (int i = 0; i < 300; ++i) {
    std::string b = base;
    for (int k = 0; k < 4; ++k) b[rng() % b.size()] = char(rng());
    const json s = gguf_summary_json(b);
    CHECK((s.contains("error") || s.contains("config")));
  }
}

TEST_CASE("the GGUF type table agrees with the catalogue's block layouts") {
  // gguf.cpp maps ggml type ids to the catalogue's block layouts.
  const Catalog& c = catalog();
  const std::pair<const char*, GgmlType> rows[] = {{"Q4_K", GgmlType::Q4_K}, {"Q6_K", GgmlType::Q6_K}, {"Q8_0", GgmlType::Q8_0},
                                                   {"Q2_K", GgmlType::Q2_K}, {"IQ4_XS", GgmlType::IQ4_XS}};
  for (const auto& row : rows) {
    // One tensor of 256 x 256 values of that type: its bytes follow from the block layout.
    Writer w;
    w.header(1, 1);
    w.kv_str("general.architecture", "llama");
    w.str("t.weight");
    w.put<uint32_t>(2);
    w.put<uint64_t>(256);
    w.put<uint64_t>(256);
    const uint32_t ids[] = {12, 14, 8, 10, 23};
    w.put<uint32_t>(ids[&row - rows]);
    w.put<uint64_t>(0);
    uint64_t need = 0;
    const GgufHeader h = parse_gguf_header(w.out, &need);
    const GgmlTypeInfo& info = c.ggml_types[size_t(row.second)];
    CAPTURE(row.first);
    CHECK(h.tensors[0].nbytes == 256ull * 256 / info.block_size * info.type_size);
  }
}

TEST_CASE("an estimate from a GGUF header uses the file's own weights and the catalogue model's KV cache") {
  const json summary = gguf_summary_json(llama8b_gguf(128256));
  REQUIRE_FALSE(summary.contains("error"));
  const json from_file = estimate_json_value({{"gguf", summary}, {"context", 8192}});
  const json from_catalog = estimate_json_value({{"model", "deepseek-r1-distill-llama-8b"}, {"context", 8192}});
  REQUIRE_FALSE(from_file.contains("error"));
  CHECK(from_file["weights_bytes"] == summary["weights_bytes"]);
  CHECK(from_file["file_bytes"] == summary["file_bytes"]);
  CHECK(from_file["params_total"] == 8'030'261'248ull);
  CHECK(from_file["kv_cache_bytes"] == from_catalog["kv_cache_bytes"]);
  CHECK(from_file["quant"]["name"] == "GGUF file (Q4_K_M)");
  // The preset rules predict the same tensors the file lists.
  CHECK(from_file["weights_bytes"] == from_catalog["weights_bytes"]);
}

TEST_CASE("a damaged GGUF summary in a request names the field") {
  json summary = gguf_summary_json(llama8b_gguf(100));
  summary["weights_bytes"] = -5;
  CHECK(estimate_json_value({{"gguf", summary}})["error"]["field"] == "gguf.weights_bytes");
  CHECK(estimate_json_value({{"gguf", json::array()}})["error"]["field"] == "gguf");
}

namespace {

std::string from_base64(const std::string& s) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    acc = (acc << 6) | uint32_t(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a GGUF header whose tensor name is not UTF-8 gives an error object, not an exception") {
  // The input a fuzzer found: 33 tensors, no keys, a first tensor name starting with byte 0xDE
  // followed by 'x' (not a continuation byte), then zero dimensions.
  const std::string bytes = from_base64("R0dVRgMAAAAhAAAAAAAAAAAAAAAAAAAAIQAAAAAAAADeeGFiaXYxMjBfX3NpX2NsYXNzX3lwZV9pbgAAAABfaW4AAAAA");
  REQUIRE(bytes.size() == 69);
  std::string text;
  CHECK_NOTHROW(text = gguf_summary(bytes));
  const json out = json::parse(text);
  REQUIRE(out.contains("error"));
  CHECK(out["error"]["field"] == "gguf");
  const std::string message = out["error"]["message"].get<std::string>();
  // The bad byte shows as U+FFFD; the NULs in the name as visible symbols (U+2400).
  CHECK(message.find("\xEF\xBF\xBDxabiv120__si_class_ype_in") != std::string::npos);
  CHECK(message.find("\xE2\x90\x80") != std::string::npos);
  CHECK(message.find("0 dimensions") != std::string::npos);
}

TEST_CASE("names in a GGUF header are repaired to valid UTF-8 in the summary and the estimate") {
  Writer w;
  w.header(1, 2);
  w.kv_str("general.architecture", "llama");
  w.kv_str("general.name", "bad \xC3 name \xF0\x9F\x98");  // a cut two-byte and a cut four-byte sequence
  w.str("t.\xFF");
  w.put<uint32_t>(2);
  w.put<uint64_t>(256);
  w.put<uint64_t>(256);
  w.put<uint32_t>(0);
  w.put<uint64_t>(0);
  const GgufHeader h = parse_gguf_header(w.out);
  CHECK(h.name == "bad \xEF\xBF\xBD name \xEF\xBF\xBD");
  CHECK(h.tensors[0].name == "t.\xEF\xBF\xBD");
  // The summary then fails on the missing llama keys, with a message that dumps as JSON.
  const json out = json::parse(gguf_summary(w.out));
  CHECK(out["error"]["field"] == "llama.embedding_length");
}

TEST_CASE("a long tensor name is quoted by its first characters only") {
  Writer w;
  w.header(1, 1);
  w.kv_str("general.architecture", "llama");
  w.str(std::string(10000, 'n'));
  w.put<uint32_t>(7);  // dimensions
  const json out = json::parse(gguf_summary(w.out));
  const std::string message = out["error"]["message"].get<std::string>();
  CHECK(message.size() < 200);
  CHECK(message.find("(10000 characters)") != std::string::npos);
}

TEST_CASE("a count in GGUF metadata that is not a whole number of 0 or more is malformed, not converted") {
  // general.alignment is a uint32 in files llama.cpp writes; a hostile file may hold any type.
  const auto header_with = [](const std::function<void(Writer&)>& alignment) {
    Writer w;
    w.header(0, 2);
    w.kv_str("general.architecture", "llama");
    alignment(w);
    return w.out;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const float v : {nan, -nan, inf, -inf, -1.0f, 2.5f, 64.5f, 1e30f}) {
    CAPTURE(v);
    const json out = json::parse(gguf_summary(header_with([&](Writer& w) { w.kv_f32("general.alignment", v); })));
    REQUIRE(out.contains("error"));
    CHECK(out["error"]["field"] == "gguf");
    CHECK(out["error"]["message"].get<std::string>().find("general.alignment is not a whole number") != std::string::npos);
  }
  const json negative = json::parse(gguf_summary(header_with([](Writer& w) { w.kv_i32("general.alignment", -32); })));
  CHECK(negative["error"]["message"].get<std::string>().find("general.alignment is negative (-32)") != std::string::npos);
  // A whole float is a count like any other: 64.0 reads as an alignment of 64.
  const GgufHeader h = parse_gguf_header(header_with([](Writer& w) { w.kv_f32("general.alignment", 64.0f); }));
  CHECK(h.alignment == 64);
}

TEST_CASE("a scalar where the token list belongs is a malformed file, named by its key") {
  // tokenizer.ggml.tokens is an array of strings in every file llama.cpp writes; the vocabulary is
  // read from its length when the architecture's vocab_size key is absent.
  const auto llama_with = [](const std::function<void(Writer&)>& tokens) {
    Writer w;
    w.header(0, 5);
    w.kv_str("general.architecture", "llama");
    w.kv_u32("llama.block_count", 32);
    w.kv_u32("llama.embedding_length", 4096);
    w.kv_u32("llama.attention.head_count", 32);
    tokens(w);
    return w.out;
  };
  const json scalar = json::parse(gguf_summary(llama_with([](Writer& w) { w.kv_u32("tokenizer.ggml.tokens", 32000); })));
  REQUIRE(scalar.contains("error"));
  CHECK(scalar["error"]["field"] == "gguf");
  CHECK(scalar["error"]["message"].get<std::string>().find("tokenizer.ggml.tokens is not an array") != std::string::npos);
  const json text = json::parse(gguf_summary(llama_with([](Writer& w) { w.kv_str("tokenizer.ggml.tokens", "a"); })));
  CHECK(text["error"]["message"].get<std::string>().find("tokenizer.ggml.tokens is not an array") != std::string::npos);
  // The array itself gives the vocabulary.
  const GgufHeader h = parse_gguf_header(llama_with([](Writer& w) { w.kv_str_array("tokenizer.ggml.tokens", 32000); }));
  CHECK(gguf_to_hf_config(h)["vocab_size"] == 32000);
}
