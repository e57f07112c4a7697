#pragma once
// The user's GGUF file as one or several files: the headers of every shard of a split model
// (llama.cpp's gguf-split, NAME-00001-of-0000N.gguf) joined into one summary, with the checks a
// user needs when a file is missing or belongs to another model.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

// files: [{"name": file name, "summary": gguf_summary_json of its header}, ...] in any order.
// Returns the joined summary (gguf_summary_json's fields over all shards, plus "files": the names
// in shard order), or {"error": {code, field: "gguf", message}}: a shard that is not readable
// (named), "missing_gguf_shards" (which ones, by file name), "mixed_gguf" (shards of different
// models, or a whole model given with other files). Never throws.
nlohmann::json gguf_files_summary_json(const nlohmann::json& files);
std::string gguf_files_summary(const std::string& files_json);

}  // namespace vramcalc
