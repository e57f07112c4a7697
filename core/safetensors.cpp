#include "safetensors.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

constexpr uint64_t kMaxDim = 1ull << 40;
constexpr uint64_t kMaxNumel = 1ull << 56;

// The file is named by the start of its name; keys and dtypes come from the file: quoted short.
[[noreturn]] void bad(const std::string& file, const std::string& what, const char* code = "invalid_safetensors") {
  throw InputError(code, "safetensors", input_excerpt(file, 80) + ": " + what);
}

std::string tensor_named(const std::string& key) { return "tensor " + quote_input(key); }

// Bits per element of the safetensors dtypes (huggingface/safetensors Dtype).
uint32_t dtype_bits(const std::string& d) {
  static const std::pair<const char*, uint32_t> table[] = {
      {"BOOL", 8},  {"U8", 8},   {"I8", 8},    {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},
      {"U16", 16},  {"F16", 16}, {"BF16", 16}, {"I32", 32},    {"U32", 32},    {"F32", 32},    {"I64", 64},
      {"U64", 64},  {"F64", 64}, {"F4", 4},    {"F6_E2M3", 6}, {"F6_E3M2", 6}};
  for (const auto& [name, bits] : table) {
    if (d == name) return bits;
  }
  return 0;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return s;
}

bool contains_any(const std::string& s, std::initializer_list<const char*> parts) {
  for (const char* p : parts) {
    if (s.find(p) != std::string::npos) return true;
  }
  return false;
}

bool ends_with(const std::string& s, const char* tail) {
  const size_t n = std::char_traits<char>::length(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

// The decoder layer a name belongs to ("model.layers.61.mlp..." -> 61), or -1.
int64_t layer_of(const std::string& name) {
  const size_t p = name.find("layers.");
  if (p == std::string::npos) return -1;
  size_t i = p + 7;
  int64_t n = 0;
  bool digits = false;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && n < 1'000'000) {
    n = n * 10 + (name[i] - '0');
    ++i;
    digits = true;
  }
  return digits ? n : -1;
}

enum class Part { weights, scales, mtp, vision };
const char* part_id(Part p) {
  switch (p) {
    case Part::weights: return "weights";
    case Part::scales: return "scales";
    case Part::mtp: return "mtp";
    case Part::vision: return "vision";
  }
  return "?";
}
const char* part_label(Part p) {
  switch (p) {
    case Part::weights: return "Language model weights";
    case Part::scales: return "Quantization scales and zero points";
    case Part::mtp: return "Multi-token-prediction layer (not loaded by default)";
    case Part::vision: return "Vision tower and projector (loaded for image input)";
  }
  return "?";
}

// Scales, zero points and group indices of quantized checkpoints: FP8 weight_scale_inv
// (DeepSeek), AWQ/GPTQ scales, qzeros, g_idx, compressed-tensors weight_scale / weight_zero_point /
// weight_shape, MXFP4 *_scales (gpt-oss), bitsandbytes absmax and quant_map.
bool is_scale(const std::string& n) {
  return ends_with(n, "weight_scale_inv") || ends_with(n, "weight_scale") || ends_with(n, "input_scale") ||
         ends_with(n, ".scales") || ends_with(n, ".qzeros") || ends_with(n, ".g_idx") || ends_with(n, "_scales") ||
         ends_with(n, "weight_zero_point") || ends_with(n, "weight_shape") || ends_with(n, ".k_scale") ||
         ends_with(n, ".v_scale") || contains_any(n, {".absmax", ".quant_map", ".quant_state", "nested_absmax"});
}

bool is_vision(const std::string& n) {
  return contains_any(n, {"vision_tower", "vision_model", "visual.", "multi_modal_projector", "mm_projector",
                          "vision_encoder", "image_newline", "mm_input_projection", "mm_soft_emb_norm", "embed_vision",
                          "audio_tower", "patch_merger"});
}

bool is_mtp_name(const std::string& n) {
  return contains_any(n, {"mtp.", ".mtp", "nextn", ".eh_proj", ".enorm", ".hnorm", "shared_head"});
}

// Logical parameters a tensor holds: packed 4-bit integers are 8 values per int32 (AWQ/GPTQ
// qweight, compressed-tensors weight_packed), MXFP4 blocks 2 values per byte.
uint64_t logical_params(const std::string& n, const SafetensorsTensor& t, uint32_t packed_bits) {
  const uint64_t e = t.numel();
  if ((ends_with(n, ".qweight") || ends_with(n, "weight_packed")) && (t.dtype == "I32" || t.dtype == "U32")) {
    return e * (32 / std::max<uint32_t>(packed_bits, 1));
  }
  if (ends_with(n, "_blocks") && t.dtype == "U8") return e * 2;
  return e;
}

uint64_t tensor_bytes(const std::string& file, const std::string& name, const std::string& dtype,
                      const std::vector<uint64_t>& shape) {
  const uint32_t bits = dtype_bits(dtype);
  uint64_t n = 1;
  for (uint64_t d : shape) {
    if (d != 0 && n > kMaxNumel / d) bad(file, tensor_named(name) + " has an absurd shape (more than 2^56 values)");
    n *= d;
  }
  return (n * bits + 7) / 8;
}

}  // namespace

uint64_t SafetensorsTensor::numel() const {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

SafetensorsFile parse_safetensors_header(const std::string& name, uint64_t header_length, std::string_view header_text,
                                         uint64_t file_size) {
  SafetensorsFile f;
  f.name = name;
  f.header_bytes = header_length;
  f.file_size = file_size;
  if (header_length == 0) bad(name, "the header length is 0: not a safetensors file");
  if (header_length > kSafetensorsMaxHeader) {
    bad(name, "the header length (" + std::to_string(header_length) +
                  " bytes) is beyond the format's 100 MB limit: not a safetensors file, or a damaged one");
  }
  if (header_text.size() < header_length) {
    bad(name, "the file is truncated: its header needs " + std::to_string(header_length) + " bytes, " +
                  std::to_string(header_text.size()) + " are there", "truncated_safetensors");
  }
  // header_length is at most 100 MB here, so it fits a 32-bit size_t.
  const json h = json::parse(header_text.substr(0, static_cast<size_t>(header_length)), nullptr, false);
  if (h.is_discarded() || !h.is_object()) bad(name, "the header is not a JSON object: not a safetensors file, or a damaged one");
  for (const auto& [key, v] : h.items()) {
    if (key == "__metadata__") {
      if (!v.is_object()) bad(name, "__metadata__ must be an object of strings");
      continue;
    }
    if (!v.is_object()) bad(name, tensor_named(key) + " must be an object with dtype, shape and data_offsets");
    auto dt = v.find("dtype");
    if (dt == v.end() || !dt->is_string()) bad(name, tensor_named(key) + " has no dtype");
    SafetensorsTensor t;
    t.name = key;
    t.dtype = dt->get<std::string>();
    if (dtype_bits(t.dtype) == 0) bad(name, tensor_named(key) + " has an unknown dtype " + quote_input(t.dtype));
    auto sh = v.find("shape");
    if (sh == v.end() || !sh->is_array() || sh->size() > 8) bad(name, tensor_named(key) + " needs a shape (a list of up to 8 sizes)");
    for (const json& d : *sh) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > kMaxDim) {
        bad(name, tensor_named(key) + " has a shape entry that is not a size: " + d.dump().substr(0, 40));
      }
      t.shape.push_back(d.get<uint64_t>());
    }
    auto off = v.find("data_offsets");
    if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
        !(*off)[1].is_number_unsigned()) {
      bad(name, tensor_named(key) + " needs data_offsets [begin, end]");
    }
    t.begin = (*off)[0].get<uint64_t>();
    t.end = (*off)[1].get<uint64_t>();
    if (t.end < t.begin) bad(name, tensor_named(key) + " ends before it begins");
    const uint64_t want = tensor_bytes(name, key, t.dtype, t.shape);
    if (t.end - t.begin != want) {
      bad(name, tensor_named(key) + " spans " + std::to_string(t.end - t.begin) + " bytes, its dtype and shape need " +
                    std::to_string(want));
    }
    f.tensors.push_back(std::move(t));
  }
  // The data section is the tensors back to back, without holes or overlaps (the format's rule).
  std::vector<const SafetensorsTensor*> by_offset;
  for (const SafetensorsTensor& t : f.tensors) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const auto* a, const auto* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t at = 0;
  for (const SafetensorsTensor* t : by_offset) {
    if (t->begin != at) {
      bad(name, tensor_named(t->name) + " " + (t->begin < at ? "overlaps the tensor before it" : "leaves a gap before it") +
                    " in the data section");
    }
    at = t->end;
  }
  f.data_bytes = at;
  if (file_size && file_size - std::min(file_size, 8 + header_length) < f.data_bytes) {
    bad(name, "the file is truncated: its header lists " + std::to_string(f.data_bytes) + " bytes of tensor data, the file has " +
                  std::to_string(file_size > 8 + header_length ? file_size - 8 - header_length : 0),
        "truncated_safetensors");
  }
  return f;
}

SafetensorsFile parse_safetensors_bytes(const std::string& name, std::string_view bytes, uint64_t file_size,
                                        uint64_t* need_bytes) {
  if (bytes.size() < 8) {
    if (need_bytes) *need_bytes = 8;
    bad(name, "the file is too short for a safetensors header (" + std::to_string(bytes.size()) + " bytes)",
        "truncated_safetensors");
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[size_t(i)]);
  if (n <= kSafetensorsMaxHeader && bytes.size() - 8 < n && need_bytes) *need_bytes = 8 + n;
  return parse_safetensors_header(name, n, bytes.substr(8), file_size);
}

namespace {

struct Tally {
  uint64_t tensors = 0, params = 0, bytes = 0;
  void add(uint64_t p, uint64_t b) {
    ++tensors;
    params += p;
    bytes += b;
  }
  json to_json() const { return {{"tensors", tensors}, {"params", params}, {"bytes", bytes}}; }
};

uint64_t read_u64(const json& o, const char* key, const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return 0;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (it->is_number_integer() && it->get<int64_t>() >= 0) return uint64_t(it->get<int64_t>());
  if (it->is_number_float() && it->get<double>() >= 0 && it->get<double>() < 1.8e19) return uint64_t(it->get<double>());
  throw InputError("invalid_safetensors", "safetensors", input_excerpt(where, 80) + ": \"" + key + "\" must be a whole number");
}

}  // namespace

json safetensors_summary_json(const json& req) {
  try {
    if (!req.is_object()) throw InputError("invalid_request", "request", "the request must be a JSON object");
    const json files = req.value("files", json::array());
    if (!files.is_array()) throw InputError("invalid_safetensors", "safetensors", "files must be a list");
    if (files.size() > 100'000) throw InputError("invalid_safetensors", "safetensors", "too many files");
    // The config, when given, says how many decoder layers the main model has (the rest are MTP
    // layers) and how many bits a packed integer holds.
    uint64_t n_layer = 0;
    uint32_t packed_bits = 4;
    if (req.contains("config") && req["config"].is_object()) {
      const json& c = req["config"];
      const json& t = c.contains("text_config") && c["text_config"].is_object() ? c["text_config"] : c;
      n_layer = read_u64(t, "num_hidden_layers", "config.json");
      if (c.contains("quantization_config") && c["quantization_config"].is_object()) {
        const uint64_t b = read_u64(c["quantization_config"], "bits", "config.json quantization_config");
        if (b >= 1 && b <= 16) packed_bits = uint32_t(b);
      }
    }

    std::vector<SafetensorsFile> parsed;
    for (const json& f : files) {
      if (!f.is_object()) throw InputError("invalid_safetensors", "safetensors", "each file must be an object");
      const std::string name = f.value("name", std::string("(unnamed file)"));
      if (!f.contains("header") || !f["header"].is_string()) {
        throw InputError("invalid_safetensors", "safetensors", name + ": the header text is missing");
      }
      parsed.push_back(parse_safetensors_header(name, read_u64(f, "header_length", name), f["header"].get<std::string>(),
                                                read_u64(f, "size", name)));
    }

    // Index: which shards hold which tensors, and the total the index declares.
    json index_out;
    std::map<std::string, std::string> weight_map;
    uint64_t index_total = 0, index_params = 0;
    if (req.contains("index") && !req["index"].is_null()) {
      const json& it = req["index"];
      const json idx = it.is_string() ? json::parse(it.get<std::string>(), nullptr, false) : it;
      if (idx.is_discarded() || !idx.is_object() || !idx.contains("weight_map") || !idx["weight_map"].is_object()) {
        throw InputError("invalid_safetensors_index", "safetensors",
                         "model.safetensors.index.json: not a safetensors index (it needs a \"weight_map\" object)");
      }
      for (const auto& [tensor, file] : idx["weight_map"].items()) {
        if (!file.is_string()) {
          throw InputError("invalid_safetensors_index", "safetensors",
                           "model.safetensors.index.json: weight_map[\"" + tensor + "\"] must name a file");
        }
        weight_map[tensor] = file.get<std::string>();
      }
      if (idx.contains("metadata") && idx["metadata"].is_object()) {
        index_total = read_u64(idx["metadata"], "total_size", "model.safetensors.index.json metadata");
        index_params = read_u64(idx["metadata"], "total_parameters", "model.safetensors.index.json metadata");
      }
    }
    if (parsed.empty() && weight_map.empty()) {
      throw InputError("invalid_safetensors", "safetensors", "no safetensors file or index was given");
    }

    // The layers that hold an MTP module (DeepSeek-V3's layer 61 has eh_proj, enorm and hnorm).
    std::set<int64_t> mtp_layers;
    auto note_mtp = [&](const std::string& n) {
      const int64_t l = layer_of(n);
      if (l >= 0 && (is_mtp_name(n) || (n_layer && uint64_t(l) >= n_layer))) mtp_layers.insert(l);
    };
    for (const SafetensorsFile& f : parsed) {
      for (const SafetensorsTensor& t : f.tensors) note_mtp(t.name);
    }
    for (const auto& [n, file] : weight_map) note_mtp(n);
    auto part_of = [&](const std::string& raw) {
      const std::string n = lower(raw);
      if (is_vision(n)) return Part::vision;
      const int64_t l = layer_of(n);
      if (is_mtp_name(n) || (l >= 0 && mtp_layers.count(l))) return Part::mtp;
      if (is_scale(n)) return Part::scales;
      return Part::weights;
    };

    std::map<std::string, Tally> by_dtype;
    Tally parts[4];
    json files_out = json::array();
    std::set<std::string> names;
    bool fp8 = false, mxfp4 = false, packed = false;
    uint64_t bytes = 0, n_tensors = 0;
    for (const SafetensorsFile& f : parsed) {
      names.insert(f.name);
      files_out.push_back({{"name", f.name}, {"tensors", f.tensors.size()}, {"header_bytes", f.header_bytes},
                           {"data_bytes", f.data_bytes}});
      for (const SafetensorsTensor& t : f.tensors) {
        const Part p = part_of(t.name);
        const uint64_t b = t.end - t.begin;
        const uint64_t params = p == Part::scales ? 0 : logical_params(t.name, t, packed_bits);
        parts[int(p)].add(params, b);
        by_dtype[t.dtype].add(params, b);
        bytes += b;
        ++n_tensors;
        fp8 |= t.dtype == "F8_E4M3" || t.dtype == "F8_E5M2";
        mxfp4 |= ends_with(t.name, "_blocks");
        packed |= ends_with(t.name, ".qweight") || ends_with(t.name, "weight_packed");
      }
    }

    json out;
    out["files"] = files_out;
    out["tensors"] = n_tensors;
    out["params"] = parts[int(Part::weights)].params;
    out["params_mtp"] = parts[int(Part::mtp)].params;
    out["params_vision"] = parts[int(Part::vision)].params;
    out["bytes"] = bytes;
    json dt = json::array();
    for (const auto& [d, t] : by_dtype) {
      json row = t.to_json();
      row["dtype"] = d;
      dt.push_back(row);
    }
    out["by_dtype"] = dt;
    json pj = json::array();
    for (Part p : {Part::weights, Part::scales, Part::mtp, Part::vision}) {
      if (parts[int(p)].tensors == 0) continue;
      json row = parts[int(p)].to_json();
      row["part"] = part_id(p);
      row["label"] = part_label(p);
      pj.push_back(row);
    }
    out["parts"] = pj;
    out["format"] = mxfp4    ? "MXFP4 blocks with E8M0 scales (gpt-oss style), the rest as listed by dtype"
                    : packed ? "packed integer weights with group scales (AWQ / GPTQ / compressed-tensors)"
                    : fp8    ? "FP8 weights with their scale tensors"
                             : "unquantized";
    json notes = json::array();
    if (packed) {
      notes.push_back("packed integers hold " + std::to_string(32 / packed_bits) + " values per 32-bit word (" +
                      std::to_string(packed_bits) + "-bit" + (req.contains("config") ? "" : ", assumed without a config.json") + ")");
    }
    if (!weight_map.empty()) {
      std::set<std::string> shards;
      for (const auto& [n, file] : weight_map) shards.insert(file);
      json missing = json::array();
      for (const std::string& s : shards) {
        if (!names.count(s)) missing.push_back(s);
      }
      Tally index_parts[4];
      for (const auto& [n, file] : weight_map) index_parts[int(part_of(n))].add(0, 0);
      index_out = {{"tensors", weight_map.size()}, {"shards", shards.size()}, {"total_size", index_total},
                   {"missing_files", missing}};
      if (index_params) index_out["total_parameters"] = index_params;
      json ip = json::object();
      for (Part p : {Part::weights, Part::scales, Part::mtp, Part::vision}) ip[part_id(p)] = index_parts[int(p)].tensors;
      index_out["tensors_by_part"] = ip;
      if (parsed.empty()) {
        out["bytes"] = index_total;
        notes.push_back("only the index was given: its total_size is exact, but parameter counts need the shards' headers"
                        " (drop the .safetensors files too; only their first bytes are read)");
      } else if (!missing.empty()) {
        notes.push_back(std::to_string(missing.size()) + " of " + std::to_string(shards.size()) +
                        " shards named by the index were not given: the counts cover the others only");
      } else if (index_total && index_total != bytes) {
        notes.push_back("the shards hold " + std::to_string(bytes) + " bytes of tensors, the index declares " +
                        std::to_string(index_total));
      }
      out["index"] = index_out;
    }
    out["notes"] = notes;
    return out;
  } catch (const InputError& e) {
    return {{"error", {{"code", e.code()}, {"field", e.field()}, {"message", e.what()}}}};
  } catch (const std::exception& e) {
    return {{"error", {{"code", "internal"}, {"field", ""}, {"message", std::string("internal error: ") + e.what()}}}};
  }
}

std::string safetensors_summary(const std::string& request_json) {
  const json req = json::parse(request_json, nullptr, false);
  if (req.is_discarded()) {
    return json{{"error", {{"code", "invalid_request"}, {"field", "request"}, {"message", "the request is not valid JSON"}}}}.dump();
  }
  return safetensors_summary_json(req).dump();
}

}  // namespace vramcalc
