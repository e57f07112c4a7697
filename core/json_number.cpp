#include "json_number.hpp"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vramcalc {

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char out[40];
  int o = 0;
  if (std::signbit(v)) {
    out[o++] = '-';
    v = -v;
  }
  if (v == 0) return std::string(out, size_t(o)) + "0.0";
  // The fewest significant digits that round-trip: "d.ddde[+-]x" from %.*e, parsed back. If some
  // k <= 15 digits round-trip, those k digits are v rounded to 15 digits with its trailing zeros
  // dropped: they lie within half a unit in the last place of v (at most 2^-53 of v), far inside
  // half a step of 15 digits (at least 5e-16 of v), so rounding to 15 digits lands on them. Hence
  // 15 digits first, then 16 and 17, give the same answer as trying 1, 2, ... 17 in turn. Not so
  // for a subnormal v, whose last place is a larger share of it: those try every precision.
  char buf[40];
  for (int prec = v < DBL_MIN ? 1 : 15; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  char digits[20];
  int k = 0;
  const char* p = buf;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  while (k > 1 && digits[k - 1] == '0') --k;
  const int n = std::atoi(p + 1) + 1;  // where the decimal point goes, counted from the first digit
  auto put = [&](char c) { out[o++] = c; };
  if (k <= n && n <= 15) {  // 1234000.0
    for (int i = 0; i < n; ++i) put(i < k ? digits[i] : '0');
    put('.');
    put('0');
  } else if (0 < n && n <= 15) {  // 12.34
    for (int i = 0; i < k; ++i) {
      if (i == n) put('.');
      put(digits[i]);
    }
  } else if (-4 < n && n <= 0) {  // 0.001234
    put('0');
    put('.');
    for (int i = 0; i < -n; ++i) put('0');
    for (int i = 0; i < k; ++i) put(digits[i]);
  } else {  // 1.234e+20, 1e-05: at least two exponent digits, as printf's %g
    put(digits[0]);
    if (k > 1) put('.');
    for (int i = 1; i < k; ++i) put(digits[i]);
    o += std::snprintf(out + o, sizeof out - size_t(o), "e%c%02d", n - 1 < 0 ? '-' : '+', std::abs(n - 1));
  }
  return std::string(out, size_t(o));
}

}  // namespace vramcalc
