#include "fields.hpp"

#include <exception>

#include "errors.hpp"
#include "estimate.hpp"
#include "input.hpp"
#include "text.hpp"

namespace vramcalc {

uint64_t count_from_text(const std::string& f, const std::string& s) {
  return whole_number_from_text(f, s, 1'000'000'000'000'000ull);
}

std::string estimate_fields_json(const std::string& model, const std::string& quant, const std::string& context,
                                 const std::string& sequences, const std::string& runtime, const std::string& kv_type,
                                 const std::string& flash_attn) {
  try {
    // In the order the JSON reader reads them, so the first bad field is the one reported.
    EstimateRequest r;
    r.model = model;
    r.quant = quant;
    r.context = count_from_text("context", context);
    if (r.context < kMinContext) {
      throw InputError("invalid_context", "context", "context must be " + at_least(kMinContext) + (kMinContext == 1 ? " token (got " : " tokens (got ") +
                                                         quote_input(context) + ")");
    }
    r.sequences = count_from_text("sequences", sequences);
    r.kv_type = kv_type;
    r.runtime = runtime;
    if (flash_attn == "on") r.flash_attn = true;
    else if (flash_attn == "off") r.flash_attn = false;
    else if (!flash_attn.empty() && flash_attn != "auto") {
      throw InputError("invalid_flash_attn", "flash_attn", "flash_attn must be on, off or auto (got " + quote_input(flash_attn) + ")");
    }
    return to_json_text(estimate(r));
  } catch (...) {
    return error_text_for_current_exception();
  }
}

}  // namespace vramcalc
