#pragma once
// Numbers between text and double, exactly and without printf or strtod (whose formatter and
// long-double arithmetic would add some 20 KB to each WebAssembly module), the same natively and
// in WebAssembly.
#include <string>
#include <string_view>

namespace vramcalc {

// A double as JSON text, the shortest digits that read back as the same double, laid out as
// nlohmann::json's dump() lays them out ("4.0", "0.25", "1e+16", "1.5e-05"; null when not finite).
std::string json_number(double v);

// The double nearest to a decimal written as [+-]digits[.digits][(e|E)[+-]digits] (the caller
// checks that grammar; parse_decimal in input.cpp does), halfway cases to the even mantissa, as
// a correctly rounding strtod reads it: infinity past the largest double, zero below the smallest.
double decimal_value(std::string_view text);

}  // namespace vramcalc
