// The safetensors header reader: exact counts from headers written per the format's rules
// (huggingface/safetensors "Format": u64 little-endian header length, JSON header with dtype,
// shape and data_offsets per tensor, the data back to back), the parts told apart, and a clear
// message naming the file for every malformed or truncated input.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "catalog.hpp"
#include "errors.hpp"
#include "safetensors.hpp"

using nlohmann::json;
using namespace vramcalc;

namespace {

// A header with the tensors laid out back to back, in the order given.
struct HeaderBuilder {
  json h = json::object();
  uint64_t at = 0;
  HeaderBuilder& add(const std::string& name, const std::string& dtype, std::vector<uint64_t> shape, uint64_t elem_bits) {
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    const uint64_t bytes = (n * elem_bits + 7) / 8;
    h[name] = {{"dtype", dtype}, {"shape", shape}, {"data_offsets", {at, at + bytes}}};
    at += bytes;
    return *this;
  }
  json file(const std::string& name) const {
    const std::string text = h.dump();
    return {{"name", name}, {"size", 8 + text.size() + at}, {"header_length", text.size()}, {"header", text}};
  }
};

json summary(const json& files, const json& extra = json::object()) {
  json req = extra;
  req["files"] = files;
  return safetensors_summary_json(req);
}

std::string error_of(const json& files, const json& extra = json::object()) {
  const json out = summary(files, extra);
  return out.contains("error") ? out["error"]["message"].get<std::string>() : std::string("no error");
}

json part(const json& out, const char* id) {
  for (const json& p : out["parts"]) {
    if (p["part"] == id) return p;
  }
  return json();
}

}  // namespace

TEST_CASE("a BF16 checkpoint's header gives its exact parameter count, as the catalogue computes it") {
  // DeepSeek-R1-Distill-Qwen-1.5B (Qwen2 architecture, config in data/models.json), tensors named
  // and shaped as Hugging Face stores them: [out_features, in_features], q/k/v biases.
  const uint64_t e = 1536, ff = 8960, vocab = 151936, kv = 2 * 128;
  HeaderBuilder b;
  b.add("model.embed_tokens.weight", "BF16", {vocab, e}, 16);
  for (int l = 0; l < 28; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    b.add(p + "input_layernorm.weight", "BF16", {e}, 16);
    b.add(p + "self_attn.q_proj.weight", "BF16", {e, e}, 16).add(p + "self_attn.q_proj.bias", "BF16", {e}, 16);
    b.add(p + "self_attn.k_proj.weight", "BF16", {kv, e}, 16).add(p + "self_attn.k_proj.bias", "BF16", {kv}, 16);
    b.add(p + "self_attn.v_proj.weight", "BF16", {kv, e}, 16).add(p + "self_attn.v_proj.bias", "BF16", {kv}, 16);
    b.add(p + "self_attn.o_proj.weight", "BF16", {e, e}, 16);
    b.add(p + "post_attention_layernorm.weight", "BF16", {e}, 16);
    b.add(p + "mlp.gate_proj.weight", "BF16", {ff, e}, 16).add(p + "mlp.up_proj.weight", "BF16", {ff, e}, 16);
    b.add(p + "mlp.down_proj.weight", "BF16", {e, ff}, 16);
  }
  b.add("model.norm.weight", "BF16", {e}, 16).add("lm_head.weight", "BF16", {vocab, e}, 16);
  const json out = summary(json::array({b.file("model.safetensors")}));
  REQUIRE_FALSE(out.contains("error"));
  // llama-bench prints 1.78 B for this model (see test_params.cpp); the header gives it exactly,
  // and the same count as the catalogue's tensor list.
  CHECK(double(out["params"].get<uint64_t>()) / 1e9 == doctest::Approx(1.78).epsilon(0.003));
  CHECK(out["params"].get<uint64_t>() == catalog().find_model("deepseek-r1-distill-qwen-1.5b")->params.total);
  CHECK(out["bytes"].get<uint64_t>() == 2 * out["params"].get<uint64_t>());
  CHECK(out["tensors"] == 3 + 28 * 12);
  CHECK(out["format"] == "unquantized");
  CHECK(out["by_dtype"].size() == 1);
  CHECK(out["by_dtype"][0]["dtype"] == "BF16");
}

TEST_CASE("FP8 weights, their block scales and DeepSeek's MTP layer are counted apart") {
  // DeepSeek-V3 README_WEIGHTS.md: FP8 E4M3 weights with float32 weight_scale_inv per 128x128 block;
  // layer 61 is the MTP module (eh_proj, enorm, hnorm).
  HeaderBuilder b;
  b.add("model.layers.0.mlp.down_proj.weight", "F8_E4M3", {7168, 18432}, 8);
  b.add("model.layers.0.mlp.down_proj.weight_scale_inv", "F32", {56, 144}, 32);
  b.add("model.layers.0.input_layernorm.weight", "BF16", {7168}, 16);
  b.add("model.layers.61.eh_proj.weight", "BF16", {7168, 14336}, 16);
  b.add("model.layers.61.mlp.down_proj.weight", "F8_E4M3", {7168, 18432}, 8);
  b.add("model.layers.61.enorm.weight", "BF16", {7168}, 16);
  const json out = summary(json::array({b.file("model-00001-of-00002.safetensors")}));
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["params"] == 7168ull * 18432 + 7168);
  CHECK(out["params_mtp"] == 7168ull * 14336 + 7168ull * 18432 + 7168);
  CHECK(part(out, "scales")["bytes"] == 56 * 144 * 4);
  CHECK(part(out, "scales")["params"] == 0);
  CHECK(out["format"] == "FP8 weights with their scale tensors");
  // With the config, a layer beyond num_hidden_layers is MTP even without an MTP-named tensor.
  HeaderBuilder c;
  c.add("model.layers.0.self_attn.o_proj.weight", "BF16", {8, 8}, 16).add("model.layers.1.self_attn.o_proj.weight", "BF16", {8, 8}, 16);
  const json with_cfg = summary(json::array({c.file("x.safetensors")}), {{"config", {{"num_hidden_layers", 1}}}});
  CHECK(with_cfg["params"] == 64);
  CHECK(with_cfg["params_mtp"] == 64);
}

TEST_CASE("packed 4-bit weights, MXFP4 blocks and vision towers") {
  HeaderBuilder b;
  // GPTQ: qweight int32 [in/8, out], scales fp16 [in/128, out], qzeros int32 [in/128, out/8], g_idx.
  b.add("model.layers.0.self_attn.q_proj.qweight", "I32", {4096 / 8, 4096}, 32);
  b.add("model.layers.0.self_attn.q_proj.scales", "F16", {32, 4096}, 16);
  b.add("model.layers.0.self_attn.q_proj.qzeros", "I32", {32, 512}, 32);
  b.add("model.layers.0.self_attn.q_proj.g_idx", "I32", {4096}, 32);
  // gpt-oss: MXFP4 experts as U8 blocks of 16 bytes (32 values) and one U8 scale per block.
  b.add("model.layers.0.mlp.experts.down_proj_blocks", "U8", {32, 2880, 90, 16}, 8);
  b.add("model.layers.0.mlp.experts.down_proj_scales", "U8", {32, 2880, 90}, 8);
  // Gemma 3's SigLIP tower and projector.
  b.add("vision_tower.vision_model.embeddings.patch_embedding.weight", "BF16", {1152, 3, 14, 14}, 16);
  b.add("multi_modal_projector.mm_input_projection_weight", "BF16", {1152, 5376}, 16);
  const json out = summary(json::array({b.file("model.safetensors")}));
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["params"] == 4096ull * 4096 + 32ull * 2880 * 2880);
  CHECK(out["params_vision"] == 1152ull * 3 * 14 * 14 + 1152ull * 5376);
  CHECK(part(out, "scales")["bytes"] == 32 * 4096 * 2 + 32 * 512 * 4 + 4096 * 4 + 32ull * 2880 * 90);
  CHECK(out["format"].get<std::string>().rfind("MXFP4", 0) == 0);
  // With a config saying 8 bits, a packed word holds 4 values.
  const json eight = summary(json::array({b.file("model.safetensors")}), {{"config", {{"quantization_config", {{"bits", 8}}}}}});
  CHECK(eight["params"] == 4096ull * 4096 / 2 + 32ull * 2880 * 2880);
}

TEST_CASE("several shards and the index: totals add up, missing shards are named") {
  HeaderBuilder a, b;
  a.add("model.embed_tokens.weight", "BF16", {100, 8}, 16);
  b.add("lm_head.weight", "BF16", {100, 8}, 16);
  const json index = {{"metadata", {{"total_size", 3200}}},
                      {"weight_map", {{"model.embed_tokens.weight", "model-00001-of-00003.safetensors"},
                                      {"lm_head.weight", "model-00002-of-00003.safetensors"},
                                      {"model.norm.weight", "model-00003-of-00003.safetensors"}}}};
  const json out = summary(json::array({a.file("model-00001-of-00003.safetensors"), b.file("model-00002-of-00003.safetensors")}),
                           {{"index", index.dump()}});
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["params"] == 1600);
  CHECK(out["index"]["shards"] == 3);
  CHECK(out["index"]["missing_files"] == json::array({"model-00003-of-00003.safetensors"}));
  CHECK(out["notes"][0].get<std::string>().find("1 of 3 shards") != std::string::npos);
  // The index alone: its total_size, and a note that parameters need the headers.
  json index_only = json::object();
  index_only["index"] = index;
  const json only = safetensors_summary_json(index_only);
  CHECK(only["bytes"] == 3200);
  CHECK(only["params"] == 0);
  CHECK(only["notes"][0].get<std::string>().find("only the index was given") == 0);
}

TEST_CASE("the header is read from a file's first bytes: length prefix, then JSON") {
  HeaderBuilder b;
  b.add("w", "F16", {2, 3}, 16);
  const std::string text = b.h.dump();
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((uint64_t(text.size()) >> (8 * i)) & 0xff);
  bytes += text;
  const SafetensorsFile f = parse_safetensors_bytes("w.safetensors", bytes, bytes.size() + 12);
  REQUIRE(f.tensors.size() == 1);
  CHECK(f.tensors[0].shape == std::vector<uint64_t>{2, 3});
  CHECK(f.data_bytes == 12);
  // Only the first 20 bytes: the reader says how many it needs.
  uint64_t need = 0;
  CHECK_THROWS_AS(parse_safetensors_bytes("w.safetensors", bytes.substr(0, 20), 0, &need), InputError);
  CHECK(need == 8 + text.size());
}

TEST_CASE("malformed and truncated safetensors get a message naming the file and the problem") {
  // length 0: the header text's own length.
  auto raw = [](const std::string& header, uint64_t size, uint64_t length) {
    json f = {{"name", "model-00002-of-00009.safetensors"}, {"size", size}, {"header", header}};
    f["header_length"] = length ? length : header.size();
    return json::array({f});
  };
  const std::string f = "model-00002-of-00009.safetensors: ";
  CHECK(error_of(raw("", 0, 0)) == f + "the header length is 0: not a safetensors file");
  CHECK(error_of(raw("", 0, 1ull << 40)).rfind(f + "the header length (1099511627776 bytes) is beyond the format's 100 MB limit", 0) == 0);
  CHECK(error_of(raw("{\"a\":", 0, 50)) == f + "the file is truncated: its header needs 50 bytes, 5 are there");
  CHECK(error_of(raw("[1,2]", 0, 5)) == f + "the header is not a JSON object: not a safetensors file, or a damaged one");
  CHECK(error_of(raw(R"({"w": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 1]}})", 0, 0)) ==
        f + "tensor \"w\" has an unknown dtype \"Q4\"");
  CHECK(error_of(raw(R"({"w": {"dtype": "F16", "shape": [2], "data_offsets": [0, 3]}})", 0, 0)) ==
        f + "tensor \"w\" spans 3 bytes, its dtype and shape need 4");
  CHECK(error_of(raw(R"({"w": {"dtype": "F16", "shape": [-2], "data_offsets": [0, 4]}})", 0, 0)) ==
        f + "tensor \"w\" has a shape entry that is not a size: -2");
  CHECK(error_of(raw(R"({"w": {"dtype": "F16", "shape": [2]}})", 0, 0)) == f + "tensor \"w\" needs data_offsets [begin, end]");
  CHECK(error_of(raw(R"({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}, "b": {"dtype": "F16", "shape": [2], "data_offsets": [2, 6]}})", 0, 0)) ==
        f + "tensor \"b\" overlaps the tensor before it in the data section");
  CHECK(error_of(raw(R"({"a": {"dtype": "F16", "shape": [2], "data_offsets": [4, 8]}})", 0, 0)) ==
        f + "tensor \"a\" leaves a gap before it in the data section");
  CHECK(error_of(raw(R"({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}})", 8 + 61 + 2, 0)) ==
        f + "the file is truncated: its header lists 4 bytes of tensor data, the file has 2");
  CHECK(error_of(raw(R"({"a": {"dtype": "F16", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 4]}})", 0, 0))
            .find("absurd shape") != std::string::npos);
  // Names and dtypes from the file are quoted by their first characters only.
  const std::string long_key = R"({")" + std::string(5000, 'k') + R"(": {"dtype": ")" + std::string(5000, 'd') + R"(", "shape": [2], "data_offsets": [0, 4]}})";
  const std::string long_message = error_of(raw(long_key, 0, 0));
  CHECK(long_message.size() < 300);
  CHECK(long_message.find("(5000 characters) has an unknown dtype") != std::string::npos);
  // Every message is a sentence about the named file, with field "safetensors".
  const json out = summary(raw("not json", 0, 8));
  CHECK(out["error"]["field"] == "safetensors");
  CHECK(out["error"]["code"] == "invalid_safetensors");
  CHECK(safetensors_summary("{").find("the request is not valid JSON") != std::string::npos);
  CHECK(error_of(json::array(), {{"index", "{\"weight_map\": 3}"}}).rfind("model.safetensors.index.json: not a safetensors index", 0) == 0);
  CHECK(error_of(json::array()) == "no safetensors file or index was given");
}
