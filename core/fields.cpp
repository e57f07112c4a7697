#include "fields.hpp"

#include <exception>

#include "errors.hpp"
#include "estimate.hpp"
#include "json_writer.hpp"

namespace vramcalc {

uint64_t count_from_text(const std::string& f, const std::string& s) {
  if (s.empty()) throw InputError("invalid_" + f, f, f + " is empty: enter a whole number");
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') throw InputError("invalid_" + f, f, f + " must be a positive whole number (got \"" + s + "\")");
    if (n > 100'000'000'000'000ull) throw InputError("invalid_" + f, f, f + " is far too large (got \"" + s + "\")");
    n = n * 10 + uint64_t(c - '0');
  }
  return n;
}

namespace {

std::string error_text(const std::string& code, const std::string& field, const std::string& message) {
  JsonWriter w;
  w.begin_object().key("error").begin_object();
  w.field("code", code).field("field", field).field("message", message);
  w.end_object().end_object();
  return w.take();
}

}  // namespace

std::string estimate_fields_json(const std::string& model, const std::string& quant, const std::string& context,
                                 const std::string& sequences, const std::string& runtime, const std::string& kv_type,
                                 const std::string& flash_attn) {
  try {
    // In the order the JSON reader reads them, so the first bad field is the one reported.
    EstimateRequest r;
    r.model = model;
    r.quant = quant;
    r.context = count_from_text("context", context);
    r.sequences = count_from_text("sequences", sequences);
    r.kv_type = kv_type;
    r.runtime = runtime;
    if (flash_attn == "on") r.flash_attn = true;
    else if (flash_attn == "off") r.flash_attn = false;
    else if (!flash_attn.empty() && flash_attn != "auto") {
      throw InputError("invalid_flash_attn", "flash_attn", "flash_attn must be on, off or auto");
    }
    return to_json_text(estimate(r));
  } catch (const InputError& e) {
    return error_text(e.code(), e.field(), e.what());
  } catch (const std::exception& e) {
    return error_text("internal", "", std::string("internal error: ") + e.what());
  }
}

}  // namespace vramcalc
