// libFuzzer target: the text of a pasted (or --config) config.json, estimated on its own and
// with a device so the planner sees the architecture too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzzing::as_json_string(std::string_view(reinterpret_cast<const char*>(data), size));
  fuzzing::check_answer(vramcalc::estimate_json("{\"config_text\":" + text + "}"));
  fuzzing::check_answer(vramcalc::estimate_json("{\"config_text\":" + text + ",\"gpu\":\"rtx-4090\",\"offload\":\"layers\"}"));
  return 0;
}
