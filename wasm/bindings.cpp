// The extras module's embind bindings (the JSON request, hardware planner, cost, GGUF reader):
// with calculator.cpp (the first-result module's C exports), the only code that includes
// Emscripten's headers. Strings cross the boundary by value (no objects to .delete()); errors
// come back as data.
#include <emscripten/bind.h>

#include <string>

#include "api.hpp"
#include "cost.hpp"
#include "gguf.hpp"
#include "solve_api.hpp"

namespace {

std::string version() { return VRAMCALC_VERSION; }

std::string catalog() { return vramcalc::catalog_json_text(); }

// Loaded after the first result: the full estimate (placement, speed, suggested GPU), the cost
// calculators and the GGUF header reader.
std::string estimate(const std::string& request_json) { return vramcalc::estimate_json(request_json); }

std::string cost(const std::string& request_json) { return vramcalc::cost_json(request_json); }

// The first bytes of a .gguf file (a Uint8Array from JS arrives as std::string). Returns the
// summary, or an error with "need_bytes" when more of the file must be read.
std::string inspect_gguf(const std::string& bytes) { return vramcalc::gguf_summary(bytes); }

// The solvers (largest context, best format, offload sweep, fit table, reasoning budget) and
// launch commands: one JSON request in, one JSON result out (solve_api.hpp).
std::string solve(const std::string& request_json) { return vramcalc::solve_json(request_json); }

}  // namespace

EMSCRIPTEN_BINDINGS(vramcalc) {
  emscripten::function("version", &version);
  emscripten::function("catalog", &catalog);
  emscripten::function("estimate", &estimate);
  emscripten::function("cost", &cost);
  emscripten::function("inspectGguf", &inspect_gguf);
  emscripten::function("solve", &solve);
}
