#include "gguf.hpp"

#include <cmath>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "catalog.hpp"
#include "errors.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

// ggml_type ids as stored in GGUF (ggml.h). Block layouts come from data/quant_formats.json
// (the catalogue); only the types it does not list carry their own here (block, bytes).
struct TypeRow {
  uint32_t id;
  const char* name;
  uint32_t block;  // 0: take the catalogue's
  uint32_t size;
};
constexpr TypeRow kTypes[] = {
    {0, "F32", 0, 0},      {1, "F16", 0, 0},      {2, "Q4_0", 0, 0},      {3, "Q4_1", 0, 0},
    {6, "Q5_0", 0, 0},     {7, "Q5_1", 0, 0},     {8, "Q8_0", 0, 0},      {9, "Q8_1", 32, 36},
    {10, "Q2_K", 0, 0},    {11, "Q3_K", 0, 0},    {12, "Q4_K", 0, 0},     {13, "Q5_K", 0, 0},
    {14, "Q6_K", 0, 0},    {15, "Q8_K", 0, 0},    {16, "IQ2_XXS", 0, 0},  {17, "IQ2_XS", 0, 0},
    {18, "IQ3_XXS", 0, 0}, {19, "IQ1_S", 0, 0},   {20, "IQ4_NL", 0, 0},   {21, "IQ3_S", 0, 0},
    {22, "IQ2_S", 0, 0},   {23, "IQ4_XS", 0, 0},  {24, "I8", 1, 1},       {25, "I16", 1, 2},
    {26, "I32", 1, 4},     {27, "I64", 1, 8},     {28, "F64", 1, 8},      {29, "IQ1_M", 0, 0},
    {30, "BF16", 0, 0},    {34, "TQ1_0", 0, 0},   {35, "TQ2_0", 0, 0},    {39, "MXFP4", 32, 17},
};

struct TypeInfo {
  const char* name;
  uint32_t block;
  uint32_t size;
};

std::optional<TypeInfo> type_info(uint32_t id) {
  for (const TypeRow& r : kTypes) {
    if (r.id != id) continue;
    if (r.block) return TypeInfo{r.name, r.block, r.size};
    for (size_t i = 0; i < kGgmlTypeCount; ++i) {
      if (std::strcmp(ggml_type_name(static_cast<GgmlType>(i)), r.name) == 0) {
        const GgmlTypeInfo& t = catalog().ggml_types[i];
        return TypeInfo{r.name, t.block_size, t.type_size};
      }
    }
  }
  return std::nullopt;
}

[[noreturn]] void invalid(const std::string& what) {
  throw InputError("invalid_gguf", "gguf", "not a readable GGUF file: " + what);
}

struct Truncated {
  uint64_t need;
};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  uint64_t pos() const { return pos_; }
  void need(uint64_t n) {
    if (n > b_.size() - pos_) throw Truncated{pos_ + n};
  }
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof(T));  // GGUF is little-endian, as is every target here
    pos_ += sizeof(T);
    return v;
  }
  std::string str() {
    const uint64_t n = get<uint64_t>();
    if (n > (1ull << 30)) invalid("a string of " + std::to_string(n) + " bytes");
    need(n);
    // Names and values are meant to be UTF-8 (gguf.md) but a file can hold any bytes: repair them
    // here so every name the summary and the messages echo is valid text.
    std::string s = valid_utf8(b_.substr(size_t(pos_), size_t(n)));
    pos_ += n;
    return s;
  }
  void skip_str() {
    const uint64_t n = get<uint64_t>();
    if (n > (1ull << 30)) invalid("a string of " + std::to_string(n) + " bytes");
    need(n);
    pos_ += n;
  }
  void skip(uint64_t n) {
    need(n);
    pos_ += n;
  }

 private:
  std::string_view b_;
  uint64_t pos_ = 0;
};

uint64_t scalar_size(uint32_t type) {
  switch (type) {
    case 0: case 1: case 7: return 1;
    case 2: case 3: return 2;
    case 4: case 5: case 6: return 4;
    case 10: case 11: case 12: return 8;
    default: return 0;
  }
}

json read_scalar(Reader& r, uint32_t type) {
  switch (type) {
    case 0: return r.get<uint8_t>();
    case 1: return r.get<int8_t>();
    case 2: return r.get<uint16_t>();
    case 3: return r.get<int16_t>();
    case 4: return r.get<uint32_t>();
    case 5: return r.get<int32_t>();
    case 6: return r.get<float>();
    case 7: return r.get<uint8_t>() != 0;
    case 8: return r.str();
    case 10: return r.get<uint64_t>();
    case 11: return r.get<int64_t>();
    case 12: return r.get<double>();
    default: invalid("unknown metadata value type " + std::to_string(type));
  }
}

void skip_array(Reader& r, uint32_t elem_type, uint64_t count, int depth) {
  if (depth > 4) invalid("arrays nested too deeply");
  if (elem_type == 8) {
    for (uint64_t i = 0; i < count; ++i) r.skip_str();
  } else if (elem_type == 9) {
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t t = r.get<uint32_t>();
      const uint64_t n = r.get<uint64_t>();
      skip_array(r, t, n, depth + 1);
    }
  } else {
    const uint64_t sz = scalar_size(elem_type);
    if (sz == 0) invalid("unknown array element type " + std::to_string(elem_type));
    if (count > (1ull << 40)) invalid("an array of " + std::to_string(count) + " elements");
    r.skip(count * sz);
  }
}

// A count or size from the metadata. The file may hold any number type under the key: a negative
// integer, or a float that is not a whole number from 0 to 2^64 (NaN, infinity, 1e30, 2.5), is
// malformed, not converted (a float out of range has no integer value at all).
uint64_t get_u(const json& md, const std::string& key, uint64_t fallback) {
  auto it = md.find(key);
  if (it == md.end() || !it->is_number()) return fallback;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (it->is_number_integer()) {
    const int64_t v = it->get<int64_t>();
    if (v < 0) invalid(key + " is negative (" + std::to_string(v) + ")");
    return uint64_t(v);
  }
  const double v = it->get<double>();
  if (!(v >= 0 && v < 18446744073709551616.0) || v != std::floor(v)) invalid(key + " is not a whole number of 0 or more");
  return uint64_t(v);
}

// The length of an array in the metadata (read as {"array": type, "count": n}); 0 when the key is
// absent. A file that stores a scalar under a key that must hold an array is malformed.
uint64_t array_count(const json& md, const std::string& key) {
  auto it = md.find(key);
  if (it == md.end()) return 0;
  if (!it->is_object()) invalid(key + " is not an array");
  return get_u(*it, "count", 0);
}

bool has_tensor(const GgufHeader& h, const std::string& name) {
  for (const auto& t : h.tensors) {
    if (t.name == name) return true;
  }
  return false;
}

}  // namespace

GgufHeader parse_gguf_header(std::string_view bytes, uint64_t* need_bytes) {
  if (need_bytes) *need_bytes = 0;
  GgufHeader h;
  Reader r(bytes);
  try {
    if (bytes.size() >= 4 && std::memcmp(bytes.data(), "GGUF", 4) != 0) invalid("it does not start with \"GGUF\"");
    r.skip(4);
    h.version = r.get<uint32_t>();
    if (h.version < 2 || h.version > 3) invalid("GGUF version " + std::to_string(h.version) + " (2 and 3 are supported)");
    const uint64_t n_tensors = r.get<uint64_t>();
    const uint64_t n_kv = r.get<uint64_t>();
    if (n_tensors > 1'000'000) invalid(std::to_string(n_tensors) + " tensors");
    if (n_kv > 1'000'000) invalid(std::to_string(n_kv) + " metadata keys");
    h.metadata = json::object();
    for (uint64_t i = 0; i < n_kv; ++i) {
      const std::string key = r.str();
      const uint32_t type = r.get<uint32_t>();
      if (type == 9) {
        const uint32_t elem = r.get<uint32_t>();
        const uint64_t count = r.get<uint64_t>();
        h.metadata[key] = {{"array", elem}, {"count", count}};
        skip_array(r, elem, count, 0);
      } else {
        h.metadata[key] = read_scalar(r, type);
      }
    }
    h.alignment = uint32_t(get_u(h.metadata, "general.alignment", 32));
    if (h.alignment == 0 || (h.alignment & (h.alignment - 1)) != 0) invalid("general.alignment is not a power of two");
    h.tensors.reserve(size_t(n_tensors));
    for (uint64_t i = 0; i < n_tensors; ++i) {
      GgufTensorInfo t;
      t.name = r.str();
      t.n_dims = r.get<uint32_t>();
      if (t.n_dims == 0 || t.n_dims > 4) invalid("tensor " + quote_input(t.name) + " has " + std::to_string(t.n_dims) + " dimensions");
      uint64_t numel = 1;
      for (uint32_t d = 0; d < t.n_dims; ++d) {
        t.ne[d] = r.get<uint64_t>();
        if (t.ne[d] == 0 || t.ne[d] > (1ull << 40) || numel > (1ull << 50) / t.ne[d]) invalid("tensor " + quote_input(t.name) + " has an impossible shape");
        numel *= t.ne[d];
      }
      t.type = r.get<uint32_t>();
      t.offset = r.get<uint64_t>();
      const std::optional<TypeInfo> tr = type_info(t.type);
      if (!tr) invalid("tensor " + quote_input(t.name) + " has unknown type " + std::to_string(t.type));
      if (t.ne[0] % tr->block != 0) invalid("tensor " + quote_input(t.name) + " rows are not whole " + tr->name + " blocks");
      t.nbytes = numel / tr->block * tr->size;
      h.tensors.push_back(std::move(t));
    }
  } catch (const Truncated& t) {
    if (need_bytes) *need_bytes = t.need;
    throw InputError("truncated_gguf", "gguf",
                     "the GGUF header goes on past the " + std::to_string(bytes.size()) + " bytes read (at least " +
                         std::to_string(t.need) + " are needed): the file is truncated or more of it must be read");
  }
  h.header_bytes = (r.pos() + h.alignment - 1) / h.alignment * h.alignment;
  uint64_t end = 0;
  for (const auto& t : h.tensors) end = std::max(end, t.offset + t.nbytes);
  h.file_bytes = h.header_bytes + (end + h.alignment - 1) / h.alignment * h.alignment;
  h.split_no = uint32_t(get_u(h.metadata, "split.no", 0));
  h.split_count = uint32_t(get_u(h.metadata, "split.count", 0));
  h.split_tensors = get_u(h.metadata, "split.tensors.count", 0);
  if (h.metadata.contains("general.architecture") && h.metadata["general.architecture"].is_string()) {
    h.architecture = h.metadata["general.architecture"].get<std::string>();
  } else if (h.split_count < 2 || h.split_no == 0) {
    // llama.cpp's gguf-split writes the model's keys into the first shard only.
    invalid("general.architecture is missing");
  }
  if (h.metadata.contains("general.name") && h.metadata["general.name"].is_string()) h.name = h.metadata["general.name"].get<std::string>();
  h.file_type = uint32_t(get_u(h.metadata, "general.file_type", 0));
  return h;
}

json gguf_to_hf_config(const GgufHeader& h) {
  const json& md = h.metadata;
  const std::string a = h.architecture;
  auto key = [&](const char* k) { return a + "." + k; };
  auto u = [&](const char* k, uint64_t fallback) { return get_u(md, key(k), fallback); };
  json c;
  static const std::pair<const char*, const char*> archs[] = {
      {"llama", "LlamaForCausalLM"}, {"qwen2", "Qwen2ForCausalLM"}, {"qwen3", "Qwen3ForCausalLM"},
      {"qwen2moe", "Qwen2MoeForCausalLM"}, {"qwen3moe", "Qwen3MoeForCausalLM"}, {"deepseek2", "DeepseekV3ForCausalLM"}};
  for (const auto& [gguf_arch, hf] : archs) {
    if (a == gguf_arch) c["architectures"] = {hf};
  }
  if (!c.contains("architectures")) {
    throw InputError("unsupported_architecture", "architectures",
                     "GGUF architecture " + quote_input(a) + " is not supported yet (supported: llama, qwen2, qwen3, qwen2moe, qwen3moe, deepseek2)");
  }
  auto require = [&](const char* k) -> uint64_t {
    const uint64_t v = u(k, 0);
    if (v == 0) throw InputError("missing_field", key(k), "GGUF metadata: " + quote_input(key(k), 80) + " is required");
    return v;
  };
  c["hidden_size"] = require("embedding_length");
  c["num_hidden_layers"] = require("block_count");
  c["num_attention_heads"] = require("attention.head_count");
  c["max_position_embeddings"] = u("context_length", 4096);
  // Vocabulary: the token list's length (vocab_size is not always written).
  uint64_t vocab = u("vocab_size", 0);
  if (vocab == 0) vocab = array_count(md, "tokenizer.ggml.tokens");
  if (vocab == 0) {
    for (const auto& t : h.tensors) {
      if (t.name == "token_embd.weight") vocab = t.ne[1];
    }
  }
  c["vocab_size"] = vocab;
  c["tie_word_embeddings"] = !has_tensor(h, "output.weight");
  c["model_type"] = a;
  if (a == "deepseek2") {
    const uint64_t rope = u("rope.dimension_count", 64);
    const bool mla_split = md.contains(key("attention.key_length_mla"));
    const uint64_t k_len = mla_split ? u("attention.key_length_mla", 0) : u("attention.key_length", 0);
    const uint64_t v_len = mla_split ? u("attention.value_length_mla", 0) : u("attention.value_length", 0);
    c["num_key_value_heads"] = c["num_attention_heads"];
    c["qk_rope_head_dim"] = rope;
    c["qk_nope_head_dim"] = k_len > rope ? k_len - rope : 0;
    c["v_head_dim"] = v_len;
    c["kv_lora_rank"] = u("attention.kv_lora_rank", 0);
    if (u("attention.q_lora_rank", 0)) c["q_lora_rank"] = u("attention.q_lora_rank", 0);
    c["intermediate_size"] = u("feed_forward_length", 0);
    if (u("expert_count", 0) > 0) {
      c["n_routed_experts"] = u("expert_count", 0);
      c["num_experts_per_tok"] = u("expert_used_count", 1);
      c["n_shared_experts"] = u("expert_shared_count", 0);
      c["moe_intermediate_size"] = u("expert_feed_forward_length", 0);
      c["first_k_dense_replace"] = u("leading_dense_block_count", 0);
      if (has_tensor(h, "blk." + std::to_string(c["first_k_dense_replace"].get<uint64_t>()) + ".exp_probs_b.bias")) {
        c["topk_method"] = "noaux_tc";
      }
    }
  } else {
    c["num_key_value_heads"] = u("attention.head_count_kv", c["num_attention_heads"].get<uint64_t>());
    if (md.contains(key("attention.key_length"))) c["head_dim"] = u("attention.key_length", 0);
    if (u("expert_count", 0) > 1) {
      if (a == "llama") {
        c["num_local_experts"] = u("expert_count", 0);
        c["intermediate_size"] = u("feed_forward_length", 0);
      } else {
        c["num_experts"] = u("expert_count", 0);
        c["moe_intermediate_size"] = u("expert_feed_forward_length", 0);
        if (u("expert_shared_feed_forward_length", 0)) {
          c["shared_expert_intermediate_size"] = u("expert_shared_feed_forward_length", 0);
        }
      }
      c["num_experts_per_tok"] = u("expert_used_count", 1);
    } else {
      c["intermediate_size"] = u("feed_forward_length", 0);
    }
    if (a == "llama" && has_tensor(h, "rope_freqs.weight")) c["rope_scaling"] = {{"rope_type", "llama3"}};
    if (a == "llama" && has_tensor(h, "blk.0.attn_q.bias")) c["attention_bias"] = true;
    if (u("attention.sliding_window", 0)) c["sliding_window"] = u("attention.sliding_window", 0);
  }
  if (!h.name.empty()) c["_name_or_path"] = h.name;
  return c;
}

json gguf_summary_json(std::string_view bytes) {
  uint64_t need = 0;
  try {
    const GgufHeader h = parse_gguf_header(bytes, &need);
    json by_type = json::object();
    uint64_t weights = 0, params = 0;
    for (const auto& t : h.tensors) {
      const std::optional<TypeInfo> tr = type_info(t.type);
      json& row = by_type[tr->name];
      if (row.is_null()) row = {{"type", tr->name}, {"tensors", 0}, {"params", 0}, {"bytes", 0}};
      const uint64_t numel = t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3];
      row["tensors"] = row["tensors"].get<uint64_t>() + 1;
      row["params"] = row["params"].get<uint64_t>() + numel;
      row["bytes"] = row["bytes"].get<uint64_t>() + t.nbytes;
      weights += t.nbytes;
      if (t.name != "rope_freqs.weight") params += numel;
    }
    json types = json::array();
    for (auto& [name, row] : by_type.items()) types.push_back(row);
    bool kv_b = false;  // DeepSeek converted before llama.cpp split attn_kv_b (any layer, any shard)
    for (const auto& t : h.tensors) kv_b |= t.name.find("attn_kv_b.weight") != std::string::npos;
    json out = {{"architecture", h.architecture}, {"name", h.name}, {"file_type", h.file_type}, {"version", h.version},
                {"weights_bytes", weights}, {"file_bytes", h.file_bytes}, {"header_bytes", h.header_bytes},
                {"params", params}, {"tensors", h.tensors.size()}, {"weights_by_type", types}, {"has_attn_kv_b", kv_b},
                {"mla_legacy", h.architecture == "deepseek2" && kv_b}};
    if (!h.architecture.empty()) out["config"] = gguf_to_hf_config(h);
    if (h.split_count > 0) out["split"] = {{"no", h.split_no}, {"count", h.split_count}, {"tensors", h.split_tensors}};
    return out;
  } catch (const InputError& e) {
    json out = {{"error", {{"code", e.code()}, {"field", e.field()}, {"message", e.what()}}}};
    if (need) out["need_bytes"] = need;
    return out;
  } catch (...) {
    return json::parse(error_text_for_current_exception());
  }
}

std::string gguf_summary(const std::string& bytes) {
  return answer_or_error([&] { return gguf_summary_json(bytes).dump(-1, ' ', false, json::error_handler_t::replace); });
}

}  // namespace vramcalc
