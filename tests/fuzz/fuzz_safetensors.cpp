// libFuzzer target over safetensors input: the first bytes of a .safetensors file (length prefix
// and JSON header) and summary requests built from them. Each must give a parsed header, an
// InputError naming the file, or an error object: never crash, hang or abort.
//   clang++ -g -O1 -std=c++20 -fsanitize=fuzzer,address,undefined -Icore -I<nlohmann include dir> \
//     tests/fuzz/fuzz_safetensors.cpp core/*.cpp build/generated/embedded_data.cpp -o fuzz_safetensors
//   ./fuzz_safetensors tests/fuzz/corpus/safetensors -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const vramcalc::SafetensorsFile f = vramcalc::parse_safetensors_bytes("fuzz.safetensors", bytes, 0);
    if (f.header_bytes == 0) __builtin_trap();
  } catch (const vramcalc::InputError& e) {
    if (std::string(e.what()).rfind("fuzz.safetensors: ", 0) != 0) __builtin_trap();
  }
  // The same header through the summary (what the page and the CLI call), and as an index.
  if (size >= 8) {
    const nlohmann::json req = {
        {"files", {{{"name", "a.safetensors"}, {"size", size}, {"header_length", size - 8}, {"header", bytes.substr(8)}}}},
        {"index", bytes}};
    const std::string text = req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string out = vramcalc::safetensors_summary(text);
    if (out.empty() || out[0] != '{') __builtin_trap();
  }
  return 0;
}
