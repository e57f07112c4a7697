// libFuzzer target: estimate request text, as the page, the widget and the CLI send it (with and
// without the hardware planner).
#include <cstddef>
#include <cstdint>
#include <string>

#include "api.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  fuzzing::check_answer(vramcalc::estimate_json(input));
  fuzzing::check_answer(vramcalc::estimate_json_without_hardware(input));
  return 0;
}
