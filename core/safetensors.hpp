#pragma once
// Reads the headers of .safetensors files (an 8-byte little-endian length, then that many bytes of
// JSON naming each tensor's dtype, shape and byte range) and model.safetensors.index.json, never
// the tensor data: exact parameters and bytes by dtype, with the tensors a runtime may not load
// (multi-token prediction, vision tower) and the quantization scales told apart.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

// The safetensors format caps the header at 100 MB (huggingface/safetensors, "Format").
inline constexpr uint64_t kSafetensorsMaxHeader = 100'000'000;

struct SafetensorsTensor {
  std::string name;
  std::string dtype;
  std::vector<uint64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range within the data section
  uint64_t numel() const;
};

struct SafetensorsFile {
  std::string name;
  uint64_t header_bytes = 0;  // the JSON header's length
  uint64_t data_bytes = 0;    // end of the last tensor's data
  uint64_t file_size = 0;     // as the file system reports it (0: unknown)
  std::vector<SafetensorsTensor> tensors;
};

// Parses one file's header from its JSON text (header_length bytes after the length prefix).
// file_size, when known (non-zero), must hold the whole data section. Throws InputError with
// field "safetensors" and a message naming the file and the problem.
SafetensorsFile parse_safetensors_header(const std::string& name, uint64_t header_length, std::string_view header_text,
                                         uint64_t file_size);

// The same from the file's first bytes (the length prefix and the header). When bytes stop short of
// the header, InputError code "truncated_safetensors" with *need_bytes set to what is needed.
SafetensorsFile parse_safetensors_bytes(const std::string& name, std::string_view bytes, uint64_t file_size,
                                        uint64_t* need_bytes = nullptr);

// {"files": [{"name", "size", "header_length", "header": text}], "index": text?, "config": {...}?}
// -> {"files", "tensors", "params", "bytes", "by_dtype": [...], "parts": [...], "format", "notes",
//     "index": {...}?} or {"error": {code, field, message}}. Never throws.
std::string safetensors_summary(const std::string& request_json);
nlohmann::json safetensors_summary_json(const nlohmann::json& request);

}  // namespace vramcalc
