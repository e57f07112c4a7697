#pragma once
// --gguf FILE...: the headers of a GGUF file, or of every shard of a split one, read from disk.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// The joined summary (vramcalc::gguf_files_summary_json) of the files, or its {"error": ...}.
// Reads only as much of each file as its header needs.
nlohmann::json read_gguf_files(const std::vector<std::string>& paths);
