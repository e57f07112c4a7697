// libFuzzer target: cost calculator requests (API cost, self-hosting, volumes, route, monitor).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cost.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::check_answer(vramcalc::cost_json(std::string(reinterpret_cast<const char*>(data), size)));
  return 0;
}
