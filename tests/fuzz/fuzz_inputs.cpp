// libFuzzer target over everything a user can hand the core: estimate requests, pasted
// config.json text, cost requests and GGUF header bytes. Each must answer with a result or an
// error object: never crash, hang or abort.
//   clang++ -g -O1 -std=c++20 -fsanitize=fuzzer,address,undefined -Icore -I<nlohmann include dir> \
//     tests/fuzz/fuzz_inputs.cpp core/*.cpp build/generated/embedded_data.cpp -o fuzz_inputs
//   ./fuzz_inputs -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "cost.hpp"
#include "gguf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string out;
  switch (data[0] % 4) {
    case 0: out = vramcalc::estimate_json(input); break;
    case 1: out = vramcalc::estimate_json(nlohmann::json{{"config_text", input}, {"context", 4096}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)); break;
    case 2: out = vramcalc::cost_json(input); break;
    default: out = vramcalc::gguf_summary(input); break;
  }
  if (out.empty() || out[0] != '{') __builtin_trap();
  return 0;
}
