// The first-result module's entry points: plain C exports, no embind, so its JavaScript glue and
// its WebAssembly stay small (embind's runtime is several times the size of what this needs).
// Text crosses as UTF-8 bytes in the module's memory: the caller writes the seven form fields
// into one buffer from vc_alloc() and passes each field's offset and length; every answer is
// read back from vc_result() / vc_result_length() and stays valid until the next call.
// web/js/engine.js (calculatorApi) wraps these as catalog(), version() and estimateFields().
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "api.hpp"
#include "errors.hpp"
#include "fields.hpp"

namespace {

std::string result;

const char* answer(std::string text) {
  result = std::move(text);
  return result.c_str();
}

std::string field(const char* base, uint32_t offset, uint32_t length) { return std::string(base + offset, length); }

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void* vc_alloc(uint32_t bytes) { return std::malloc(bytes ? bytes : 1); }
EMSCRIPTEN_KEEPALIVE void vc_free(void* p) { std::free(p); }
EMSCRIPTEN_KEEPALIVE uint32_t vc_result_length() { return uint32_t(result.size()); }
EMSCRIPTEN_KEEPALIVE const char* vc_result() { return result.c_str(); }

EMSCRIPTEN_KEEPALIVE const char* vc_version() { return answer(VRAMCALC_VERSION); }

// The page lists devices from its pre-rendered markup; the planner's device list comes with the
// extras module.
EMSCRIPTEN_KEEPALIVE const char* vc_catalog() { return answer(vramcalc::answer_or_error([] { return vramcalc::catalog_json_text(/*with_devices=*/false); })); }

// The estimate of a catalogue model from the form's fields (model, quant, context, sequences,
// runtime, kv_type, flash_attn), each an (offset, length) pair into buf.
EMSCRIPTEN_KEEPALIVE const char* vc_estimate_fields(const char* buf, uint32_t model_at, uint32_t model_len,
                                                    uint32_t quant_at, uint32_t quant_len, uint32_t context_at,
                                                    uint32_t context_len, uint32_t sequences_at, uint32_t sequences_len,
                                                    uint32_t runtime_at, uint32_t runtime_len, uint32_t kv_at,
                                                    uint32_t kv_len, uint32_t fa_at, uint32_t fa_len) {
  return answer(vramcalc::answer_or_error([&] {
    return vramcalc::estimate_fields_json(
        field(buf, model_at, model_len), field(buf, quant_at, quant_len), field(buf, context_at, context_len),
        field(buf, sequences_at, sequences_len), field(buf, runtime_at, runtime_len), field(buf, kv_at, kv_len),
        field(buf, fa_at, fa_len));
  }));
}

}  // extern "C"
