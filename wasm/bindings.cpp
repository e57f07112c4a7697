// The extras module's embind bindings (the JSON request, hardware planner, cost, GGUF reader):
// with calculator.cpp (the first-result module's C exports), the only code that includes
// Emscripten's headers. Strings cross the boundary by value (no objects to .delete()); errors
// come back as data, and no exception crosses it (answer_or_error turns anything thrown into an
// error object).
#include <emscripten/bind.h>

#include <string>

#include "api.hpp"
#include "cost.hpp"
#include "errors.hpp"
#include "gguf.hpp"

namespace {

std::string version() { return VRAMCALC_VERSION; }

std::string catalog() {
  return vramcalc::answer_or_error([] { return vramcalc::catalog_json_text(); });
}

// Loaded after the first result: the full estimate (placement, speed, suggested GPU), the cost
// calculators and the GGUF header reader.
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

}  // namespace

EMSCRIPTEN_BINDINGS(vramcalc) {
  emscripten::function("version", &version);
  emscripten::function("catalog", &catalog);
  emscripten::function("estimate", &estimate);
  emscripten::function("cost", &cost);
  emscripten::function("inspectGguf", &inspect_gguf);
}
