// The extras module's embind bindings (the JSON request, hardware planner, cost, GGUF reader):
// with calculator.cpp (the first-result module's C exports), the only code that includes
// Emscripten's headers. Strings cross the boundary by value (no objects to .delete()); errors
// come back as data, and no exception crosses it (answer_or_error turns anything thrown into an
// error object).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "api.hpp"
#include "catalog_other.hpp"
#include "cost.hpp"
#include "errors.hpp"
#include "gguf.hpp"
#include "gguf_files.hpp"
#include "solve_api.hpp"
#include "safetensors.hpp"

namespace {

// Text out through the JS engine's TextDecoder, as a view of the module's memory: embind's own
// std::string return reads the text a byte at a time in JS, which for a fit table's 150 KB was the
// largest part of the first call (about 30 of 130 ms in Node, before that loop is optimised).
emscripten::val text(const std::string& s) {
  static const emscripten::val decoder = emscripten::val::global("TextDecoder").new_();
  return decoder.call<emscripten::val>(
      "decode", emscripten::val(emscripten::typed_memory_view(s.size(), reinterpret_cast<const unsigned char*>(s.data()))));
}

std::string version() { return VRAMCALC_VERSION; }

emscripten::val catalog() {
  return text(vramcalc::answer_or_error([] { return vramcalc::catalog_json_text(); }));
}

// Loaded after the first result: the full estimate (placement, speed, suggested GPU), the cost
// calculators and the GGUF header reader.
emscripten::val estimate(const std::string& request_json) {
  return text(vramcalc::answer_or_error([&] { return vramcalc::estimate_json(request_json); }));
}

emscripten::val cost(const std::string& request_json) {
  return text(vramcalc::answer_or_error([&] { return vramcalc::cost_json(request_json); }));
}

// The first bytes of a .gguf file (a Uint8Array from JS arrives as std::string). Returns the
// summary, or an error with "need_bytes" when more of the file must be read.
emscripten::val inspect_gguf(const std::string& bytes) {
  return text(vramcalc::answer_or_error([&] { return vramcalc::gguf_summary(bytes); }));
}

// Safetensors headers the page read with File.slice: {"files": [{name, size, header_length,
// header}], "index": text?, "config": {...}?} -> the summary or an error.
emscripten::val inspect_safetensors(const std::string& request_json) {
  return text(vramcalc::answer_or_error([&] { return vramcalc::safetensors_summary(request_json); }));
}

// The catalogue of open models beyond the R1 family (data/models_other.json), for the page's
// "other models" group and the fit table; their ids work in estimate() here.
emscripten::val other_models() {
  return text(vramcalc::answer_or_error([] { return vramcalc::other_models_json_text(); }));
}

// The solvers (largest context, best format, offload sweep, fit table, reasoning budget) and
// launch commands: one JSON request in, one JSON result out (solve_api.hpp).
emscripten::val solve(const std::string& request_json) {
  return text(vramcalc::answer_or_error([&] { return vramcalc::solve_json(request_json); }));
}

// The summaries of a file's shards ([{name, summary}] as JSON), joined: one model's weights, or an
// error naming a missing shard or a file of another model.
emscripten::val gguf_files(const std::string& files_json) {
  return text(vramcalc::answer_or_error([&] { return vramcalc::gguf_files_summary(files_json); }));
}

}  // namespace

EMSCRIPTEN_BINDINGS(vramcalc) {
  emscripten::function("version", &version);
  emscripten::function("catalog", &catalog);
  emscripten::function("estimate", &estimate);
  emscripten::function("cost", &cost);
  emscripten::function("inspectGguf", &inspect_gguf);
  emscripten::function("solve", &solve);
  emscripten::function("inspectSafetensors", &inspect_safetensors);
  emscripten::function("otherModels", &other_models);
  emscripten::function("ggufFiles", &gguf_files);
}
