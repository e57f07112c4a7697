#include "json_number.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vramcalc {

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::string out;
  if (std::signbit(v)) {
    out += '-';
    v = -v;
  }
  if (v == 0) return out + "0.0";
  // The fewest significant digits that round-trip: "d.ddde[+-]x" from %.*e, parsed back.
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string digits;
  const char* p = buf;
  for (; *p && *p != 'e'; ++p) {
    if (*p != '.') digits += *p;
  }
  const int exp10 = std::atoi(p + 1);
  const int k = int(digits.size());
  const int n = exp10 + 1;  // where the decimal point goes, counted from the first digit
  if (k <= n && n <= 15) {
    out += digits;
    out.append(size_t(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 15) {
    out += digits.substr(0, size_t(n)) + "." + digits.substr(size_t(n));
  } else if (-4 < n && n <= 0) {
    out += "0.";
    out.append(size_t(-n), '0');
    out += digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    const int e = n - 1;
    out += e < 0 ? "e-" : "e+";
    const int a = e < 0 ? -e : e;
    if (a < 10) out += '0';
    out += std::to_string(a);
  }
  return out;
}

}  // namespace vramcalc
