// libFuzzer target over safetensors input: the first bytes of a .safetensors file (length prefix
// and JSON header) and summary requests built from them. Each must give a parsed header, an
// InputError naming the file, or an error object: never crash, hang or abort. Built with the
// other targets (VRAMCALC_FUZZ; scripts/test-sanitized runs it from corpus/safetensors).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "fuzz_check.hpp"
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
    fuzzing::check_answer(vramcalc::safetensors_summary(text));
  }
  return 0;
}
