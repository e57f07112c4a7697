// libFuzzer target: numbers between text and double. Any text of the decimal grammar the form's
// number fields accept ([+-]digits[.digits][(e|E)[+-]digits]) is read by decimal_value and by the C
// library's strtod (correctly rounding in glibc), which must agree to the bit; and any eight bytes
// taken as a double are written by json_number in text that strtod reads back as the same double.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "json_number.hpp"

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// The grammar of parse_decimal (core/input.cpp), the only caller of decimal_value.
bool decimal_grammar(const std::string& s) {
  size_t i = 0, digits = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  while (i < s.size() && digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (decimal_grammar(text)) fuzzing::require(same_bits(vramcalc::decimal_value(text), std::strtod(text.c_str(), nullptr)));
  if (size >= sizeof(double)) {
    double v = 0;
    std::memcpy(&v, data, sizeof v);
    if (std::isfinite(v)) fuzzing::require(same_bits(std::strtod(vramcalc::json_number(v).c_str(), nullptr), v));
  }
  return 0;
}
