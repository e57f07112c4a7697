// The only file that includes Emscripten's headers: it exposes the core's API to JavaScript.
// Strings cross the boundary by value (no objects to .delete()); errors come back as data, and
// no exception crosses it (answer_or_error turns anything thrown into an error object).
// It is compiled twice (see CMakeLists.txt): the calculator module (first result) and the
// extras module (hardware planner, cost, GGUF reader).
#include <emscripten/bind.h>

#include <string>

#include "api.hpp"
#include "cost.hpp"
#include "errors.hpp"
#include "fields.hpp"
#include "gguf.hpp"

namespace {

std::string version() { return VRAMCALC_VERSION; }

#ifdef VRAMCALC_WASM_PART_CALCULATOR
// The page lists devices from its pre-rendered markup; the planner's device list comes with the
// extras module.
std::string catalog() {
  return vramcalc::answer_or_error([] { return vramcalc::catalog_json_text(/*with_devices=*/false); });
}
#else
std::string catalog() {
  return vramcalc::answer_or_error([] { return vramcalc::catalog_json_text(); });
}
#endif

#ifdef VRAMCALC_WASM_PART_CALCULATOR
// The first-result module: estimates of catalogue models without the hardware planner, from the
// form's fields as text (no JSON parser in this module). A pasted config.json, a GGUF file and
// the hardware fields go to the extras module.
std::string estimate_fields(const std::string& model, const std::string& quant, const std::string& context,
                            const std::string& sequences, const std::string& runtime, const std::string& kv_type,
                            const std::string& flash_attn) {
  return vramcalc::answer_or_error(
      [&] { return vramcalc::estimate_fields_json(model, quant, context, sequences, runtime, kv_type, flash_attn); });
}
#endif

#ifdef VRAMCALC_WASM_PART_EXTRAS
// Everything else, loaded on demand: the full estimate (placement, speed, suggested GPU), the
// cost calculators and the GGUF header reader.
std::string estimate(const std::string& request_json) {
  return vramcalc::answer_or_error([&] { return vramcalc::estimate_json(request_json); });
}

std::string cost(const std::string& request_json) {
  return vramcalc::answer_or_error([&] { return vramcalc::cost_json(request_json); });
}

// The first bytes of a .gguf file (a Uint8Array from JS arrives as std::string). Returns the
// summary, or an error with "need_bytes" when more of the file must be read.
std::string inspect_gguf(const std::string& bytes) {
  return vramcalc::answer_or_error([&] { return vramcalc::gguf_summary(bytes); });
}
#endif

}  // namespace

EMSCRIPTEN_BINDINGS(vramcalc) {
  emscripten::function("version", &version);
  emscripten::function("catalog", &catalog);
#ifdef VRAMCALC_WASM_PART_CALCULATOR
  emscripten::function("estimateFields", &estimate_fields);
#endif
#ifdef VRAMCALC_WASM_PART_EXTRAS
  emscripten::function("estimate", &estimate);
  emscripten::function("cost", &cost);
  emscripten::function("inspectGguf", &inspect_gguf);
#endif
}
