// libFuzzer target: numbers between text and double. Any text of the decimal grammar the form's
// number fields accept ([+-]digits[.digits][(e|E)[+-]digits]: parse_decimal) is read by the core
// and by the C library's strtod (correctly rounding in glibc), which must agree to the bit; and
// any eight bytes taken as a double are written by json_number in text that strtod reads back as
// the same double.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "input.hpp"
#include "json_number.hpp"

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  double d = 0;
  if (vramcalc::parse_decimal(text, &d)) fuzzing::require(same_bits(d, std::strtod(text.c_str(), nullptr)));
  if (size >= sizeof(double)) {
    double v = 0;
    std::memcpy(&v, data, sizeof v);
    if (std::isfinite(v)) fuzzing::require(same_bits(std::strtod(vramcalc::json_number(v).c_str(), nullptr), v));
  }
  return 0;
}
