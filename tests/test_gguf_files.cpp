// A GGUF file as several shards (llama.cpp's gguf-split: the first shard holds the metadata,
// every shard its split.no / split.count / split.tensors.count), written here and read back.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "gguf.hpp"
#include "gguf_files.hpp"
#include "gguf_writer.hpp"
#include "helpers.hpp"

using nlohmann::json;
using testing::GgufWriter;

namespace {

constexpr uint32_t kF32 = 0, kQ4K = 12;  // ggml type ids (ggml.h)

struct TensorSpec {
  std::string name;
  uint64_t ne0, ne1;
  uint32_t type;
};

// A small Llama (2 layers, 256 wide) as tensor infos, split after `cut` tensors when cut > 0.
std::vector<TensorSpec> llama_tensors(bool deepseek_kv_b = false) {
  std::vector<TensorSpec> t = {{"token_embd.weight", 256, 1024, kQ4K}, {"output_norm.weight", 256, 1, kF32},
                               {"output.weight", 256, 1024, kQ4K}};
  for (int i = 0; i < 2; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    t.push_back({p + "attn_norm.weight", 256, 1, kF32});
    t.push_back({p + (deepseek_kv_b ? "attn_kv_b.weight" : "attn_q.weight"), 256, 256, kQ4K});
    t.push_back({p + "attn_k.weight", 256, 64, kQ4K});
    t.push_back({p + "attn_v.weight", 256, 64, kQ4K});
    t.push_back({p + "attn_output.weight", 256, 256, kQ4K});
    t.push_back({p + "ffn_norm.weight", 256, 1, kF32});
    t.push_back({p + "ffn_gate.weight", 256, 512, kQ4K});
    t.push_back({p + "ffn_up.weight", 256, 512, kQ4K});
    t.push_back({p + "ffn_down.weight", 512, 256, kQ4K});
  }
  return t;
}

uint64_t nbytes(const TensorSpec& t) { return t.type == kF32 ? t.ne0 * t.ne1 * 4 : t.ne0 / 256 * 144 * t.ne1; }

// One shard's header (no data): model keys in shard 0 only; split keys when count > 1.
std::string shard(const std::vector<TensorSpec>& all, size_t from, size_t to, uint16_t no, uint16_t count) {
  GgufWriter w;
  const bool meta = no == 0;
  const uint64_t n_kv = (meta ? 8 : 0) + (count > 1 ? 3 : 0);
  w.header(to - from, n_kv);
  if (meta) {
    w.kv_str("general.architecture", "llama");
    w.kv_str("general.name", "Tiny");
    w.kv_u32("general.file_type", 15);
    w.kv_u32("llama.block_count", 2);
    w.kv_u32("llama.embedding_length", 256);
    w.kv_u32("llama.feed_forward_length", 512);
    w.kv_u32("llama.attention.head_count", 4);
    w.kv_u32("llama.attention.head_count_kv", 1);
  }
  if (count > 1) {
    w.kv_u16("split.no", no);
    w.kv_u16("split.count", count);
    w.kv_i32("split.tensors.count", int32_t(all.size()));
  }
  uint64_t offset = 0;
  for (size_t i = from; i < to; ++i) {
    const TensorSpec& t = all[i];
    if (t.ne1 == 1) w.tensor(t.name, {t.ne0}, t.type, offset);
    else w.tensor(t.name, {t.ne0, t.ne1}, t.type, offset);
    offset += (nbytes(t) + 31) / 32 * 32;
  }
  return w.out;
}

json file(const std::string& name, const std::string& bytes) {
  return {{"name", name}, {"summary", vramcalc::gguf_summary_json(bytes)}};
}

}  // namespace

TEST_CASE("every shard of a split file gives the same weights as the whole file") {
  const auto t = llama_tensors();
  const json whole = vramcalc::gguf_files_summary_json(json::array({file("tiny.gguf", shard(t, 0, t.size(), 0, 1))}));
  REQUIRE_FALSE(whole.contains("error"));
  // Shards in any order.
  const json split = vramcalc::gguf_files_summary_json(json::array(
      {file("tiny-00002-of-00002.gguf", shard(t, 9, t.size(), 1, 2)), file("tiny-00001-of-00002.gguf", shard(t, 0, 9, 0, 2))}));
  REQUIRE_FALSE(split.contains("error"));
  CHECK(split["weights_bytes"] == whole["weights_bytes"]);
  CHECK(split["tensors"] == t.size());
  CHECK(split["files"] == json::array({"tiny-00001-of-00002.gguf", "tiny-00002-of-00002.gguf"}));
  uint64_t expect = 0;
  for (const TensorSpec& x : t) expect += nbytes(x);
  CHECK(split["weights_bytes"].get<uint64_t>() == expect);
  uint64_t f32 = 0;
  for (const json& r : split["weights_by_type"]) {
    if (r["type"] == "F32") f32 = r["tensors"].get<uint64_t>();
  }
  CHECK(f32 == 5);
  // The estimate says where its weights come from.
  const json e = vramcalc::estimate_json_value({{"gguf", split}});
  REQUIRE_FALSE(e.contains("error"));
  CHECK(e["weights_bytes"] == expect);
  const std::string said = e["assumptions"]["weights"].get<std::string>();
  CHECK(said.find("tiny-00001-of-00002.gguf, tiny-00002-of-00002.gguf") != std::string::npos);
  CHECK(said.find("5 F32") != std::string::npos);
}

TEST_CASE("a missing shard, shards of different models and a whole file with others are named") {
  const auto t = llama_tensors();
  const std::string s1 = shard(t, 0, 9, 0, 3), s2 = shard(t, 9, 14, 1, 3), s3 = shard(t, 14, t.size(), 2, 3);
  const json missing = vramcalc::gguf_files_summary_json(json::array({file("m-00001-of-00003.gguf", s1), file("m-00003-of-00003.gguf", s3)}));
  CHECK(missing["error"]["code"] == "missing_gguf_shards");
  CHECK(missing["error"]["message"].get<std::string>().find("missing: m-00002-of-00003.gguf") != std::string::npos);
  const json alone = vramcalc::gguf_files_summary_json(json::array({file("m-00002-of-00003.gguf", s2)}));
  CHECK(alone["error"]["message"].get<std::string>().find("2 of the 3 shards are missing: m-00001-of-00003.gguf, m-00003-of-00003.gguf") != std::string::npos);
  // A shard of a 2-way split among a 3-way split's.
  const json mixed = vramcalc::gguf_files_summary_json(
      json::array({file("m-00001-of-00003.gguf", s1), file("x-00002-of-00002.gguf", shard(t, 9, t.size(), 1, 2)),
                   file("m-00003-of-00003.gguf", s3)}));
  CHECK(mixed["error"]["code"] == "mixed_gguf");
  CHECK(mixed["error"]["message"].get<std::string>().find("different models") != std::string::npos);
  const json twice = vramcalc::gguf_files_summary_json(json::array({file("a.gguf", s1), file("b.gguf", s1), file("c.gguf", s3)}));
  CHECK(twice["error"]["message"].get<std::string>().find("two files are shard 1 of 3") != std::string::npos);
  const json whole_and_more = vramcalc::gguf_files_summary_json(
      json::array({file("tiny.gguf", shard(t, 0, t.size(), 0, 1)), file("m-00002-of-00003.gguf", s2)}));
  CHECK(whole_and_more["error"]["code"] == "mixed_gguf");
  const json bad = vramcalc::gguf_files_summary_json(json::array({file("notes.gguf", "hello, not a model at all")}));
  CHECK(bad["error"]["message"].get<std::string>().rfind("notes.gguf: ", 0) == 0);
  CHECK(vramcalc::gguf_files_summary_json(json::array())["error"]["code"] == "invalid_gguf");
  // File names that are not UTF-8 are shown with '?' (a path's bytes can be anything).
  const json odd = vramcalc::gguf_files_summary_json(json::array({file(std::string("t\xff\xfe.gguf"), shard(t, 0, t.size(), 0, 1))}));
  CHECK(odd["files"][0] == "t??.gguf");
  CHECK_NOTHROW(odd.dump());
}

TEST_CASE("a DeepSeek GGUF with attn_kv_b is run with the full per-head cache by llama.cpp") {
  // Converted before llama.cpp's MLA support (ggml-org/llama.cpp PR #12801): the estimate takes
  // the expanded cache that llama.cpp allocates for it, and says so.
  const vramcalc::CatalogModel& m = *vramcalc::catalog().find_model("deepseek-r1");
  const vramcalc::Estimate legacy = testing::run("deepseek-r1", "Q4_K_M", 4096, "llama.cpp-legacy");
  const vramcalc::Estimate latent = testing::run("deepseek-r1", "Q4_K_M", 4096, "llama.cpp");
  REQUIRE(legacy.kv.bytes > latent.kv.bytes);
  json summary = {{"architecture", "deepseek2"}, {"name", "DeepSeek R1"}, {"file_type", 15}, {"weights_bytes", 1000},
                  {"file_bytes", 2000}, {"mla_legacy", true}, {"files", {"r1.gguf"}},
                  {"weights_by_type", json::array({{{"type", "Q4_K"}, {"tensors", 1}, {"params", 1}, {"bytes", 1000}}})}};
  summary["config"] = {{"architectures", {"DeepseekV3ForCausalLM"}}, {"hidden_size", m.arch.n_embd},
                       {"num_hidden_layers", m.arch.n_layer}, {"num_attention_heads", m.arch.n_head},
                       {"num_key_value_heads", m.arch.n_head}, {"vocab_size", m.arch.n_vocab},
                       {"max_position_embeddings", 163840}, {"qk_rope_head_dim", m.arch.qk_rope_head_dim},
                       {"qk_nope_head_dim", m.arch.qk_nope_head_dim}, {"v_head_dim", m.arch.v_head_dim},
                       {"kv_lora_rank", m.arch.kv_lora_rank}, {"q_lora_rank", m.arch.q_lora_rank},
                       {"intermediate_size", m.arch.n_ff}, {"n_routed_experts", m.arch.n_expert},
                       {"num_experts_per_tok", m.arch.n_expert_used}, {"n_shared_experts", m.arch.n_expert_shared},
                       {"moe_intermediate_size", m.arch.n_ff_exp}, {"first_k_dense_replace", m.arch.n_layer_dense_lead},
                       {"model_type", "deepseek2"}};
  const json e = vramcalc::estimate_json_value({{"gguf", summary}});
  CAPTURE(e.dump());
  REQUIRE_FALSE(e.contains("error"));
  CHECK(e["kv_cache_bytes"] == legacy.kv.bytes);
  bool said = false;
  for (const json& w : e["warnings"]) said |= w.get<std::string>().find("attn_kv_b") != std::string::npos;
  CHECK(said);
  summary["mla_legacy"] = false;
  CHECK(vramcalc::estimate_json_value({{"gguf", summary}})["kv_cache_bytes"] == latent.kv.bytes);
}
