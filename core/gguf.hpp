#pragma once
// Reads the header of a GGUF file (the part before the tensor data: key/values and tensor infos)
// from bytes the caller hands over, so a user can drop a .gguf file and get the exact weights and
// the architecture without uploading anything. The tensor data itself is never needed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vramcalc {

struct GgufTensorInfo {
  std::string name;
  uint32_t n_dims = 0;
  uint64_t ne[4] = {1, 1, 1, 1};
  uint32_t type = 0;    // ggml_type id
  uint64_t offset = 0;  // within the tensor data
  uint64_t nbytes = 0;
};

struct GgufHeader {
  uint32_t version = 0;
  uint32_t alignment = 32;
  uint64_t header_bytes = 0;  // start of the tensor data (aligned)
  uint64_t file_bytes = 0;    // header + the end of the last tensor's data
  std::string architecture;
  std::string name;
  uint32_t file_type = 0;
  // gguf-split shards (split.no counts from 0); only the first carries the model's metadata.
  uint32_t split_no = 0, split_count = 0;
  uint64_t split_tensors = 0;
  nlohmann::json metadata;    // scalar keys; arrays as {"array": type, "count": n}
  std::vector<GgufTensorInfo> tensors;
};

// Parses a GGUF header. Throws InputError with field "gguf": code "truncated_gguf" (the message
// says how many bytes are needed; need_bytes is set), or "invalid_gguf" for anything malformed.
GgufHeader parse_gguf_header(std::string_view bytes, uint64_t* need_bytes = nullptr);

// A Hugging Face-style config.json object built from the GGUF metadata and tensor shapes, which
// arch_from_hf_config reads like any other.
nlohmann::json gguf_to_hf_config(const GgufHeader& h);

// {"architecture", "name", "file_type", "config", "weights_bytes", "file_bytes", "params",
//  "tensors", "weights_by_type": [{type, tensors, params, bytes}]}; never throws:
// {"error": {...}, "need_bytes": n} when more of the file is needed.
nlohmann::json gguf_summary_json(std::string_view bytes);
std::string gguf_summary(const std::string& bytes);

}  // namespace vramcalc
