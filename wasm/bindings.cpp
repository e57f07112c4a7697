// The only file that includes Emscripten's headers: it exposes the core's JSON API to JavaScript.
// Strings cross the boundary by value (no objects to .delete()); errors come back as data.
#include <emscripten/bind.h>

#include <string>

#include "api.hpp"
#include "cost.hpp"
#include "gguf.hpp"

namespace {

std::string estimate(const std::string& request_json) { return vramcalc::estimate_json(request_json); }

std::string catalog() { return vramcalc::catalog_json_text(); }

std::string cost(const std::string& request_json) { return vramcalc::cost_json(request_json); }

// The first bytes of a .gguf file (a Uint8Array from JS arrives as std::string). Returns the
// summary, or an error with "need_bytes" when more of the file must be read.
std::string inspect_gguf(const std::string& bytes) { return vramcalc::gguf_summary(bytes); }

std::string version() { return VRAMCALC_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(vramcalc) {
  emscripten::function("estimate", &estimate);
  emscripten::function("catalog", &catalog);
  emscripten::function("cost", &cost);
  emscripten::function("inspectGguf", &inspect_gguf);
  emscripten::function("version", &version);
}
