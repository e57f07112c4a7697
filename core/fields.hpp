#pragma once
// The calculator's hot path without JSON in: the form's fields as the text it holds, straight
// into an EstimateRequest. The small WebAssembly module that draws the first result takes this
// (no JSON parser in it); the JSON request reader (api.cpp) shares its number rules, so the same
// text gives the same answer and the same message either way.
#include <cstdint>
#include <string>

namespace vramcalc {

// A whole number as typed ("8192"); the field names the input in messages. Throws InputError.
uint64_t count_from_text(const std::string& field, const std::string& text);

// The estimate for a catalogue model, as estimate_json_without_hardware() answers
// {"model", "quant", "context", "sequences", "runtime", "kv_type", "flash_attn"} with the numbers
// as strings and flash_attn "" (the runtime's default), "on", "off" or "auto". Never throws:
// returns the estimate or an error object, serialised.
std::string estimate_fields_json(const std::string& model, const std::string& quant, const std::string& context,
                                 const std::string& sequences, const std::string& runtime, const std::string& kv_type,
                                 const std::string& flash_attn);

}  // namespace vramcalc
