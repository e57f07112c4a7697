// libFuzzer target: the first bytes of a .gguf file, as the page's GGUF reader and --gguf hand
// them over; a summary that reads is then estimated, as the page does next. The same bytes also
// go through the shard joiner (gguf_files_summary) as the page hands it a user's files: once as a
// single file whose name is the input's first bytes (a file name is the user's text too), and once
// cut in two as shards 1 and 2 of a split model.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api.hpp"
#include "fuzz_check.hpp"
#include "gguf.hpp"
#include "gguf_files.hpp"

namespace {

nlohmann::json file_entry(const std::string& name, const std::string& bytes) {
  return nlohmann::json{{"name", name}, {"summary", nlohmann::json::parse(vramcalc::gguf_summary(bytes))}};
}

void check_joined(const nlohmann::json& files) {
  const nlohmann::json joined = fuzzing::check_answer(vramcalc::gguf_files_summary(files.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  if (!joined.contains("error")) {
    fuzzing::check_answer(vramcalc::estimate_json(nlohmann::json{{"gguf", joined}, {"context", 4096}}.dump()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const nlohmann::json summary = fuzzing::check_answer(vramcalc::gguf_summary(bytes));
  if (!summary.contains("error")) {
    fuzzing::check_answer(vramcalc::estimate_json(nlohmann::json{{"gguf", summary}, {"context", 4096}}.dump()));
  }
  check_joined(nlohmann::json::array({file_entry(bytes.substr(0, 24), bytes)}));
  const std::size_t half = size / 2;
  check_joined(nlohmann::json::array({file_entry("m-00002-of-00002.gguf", bytes.substr(half)),
                                      file_entry("m-00001-of-00002.gguf", bytes.substr(0, half))}));
  return 0;
}
