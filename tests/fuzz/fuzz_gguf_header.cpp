// libFuzzer target: the first bytes of a .gguf file, as the page's GGUF reader and --gguf hand
// them over; a summary that reads is then estimated, as the page does next.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api.hpp"
#include "fuzz_check.hpp"
#include "gguf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const nlohmann::json summary = fuzzing::check_answer(vramcalc::gguf_summary(bytes));
  if (!summary.contains("error")) {
    fuzzing::check_answer(vramcalc::estimate_json(nlohmann::json{{"gguf", summary}, {"context", 4096}}.dump()));
  }
  return 0;
}
