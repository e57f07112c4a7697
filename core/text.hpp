#pragma once
// Small text helpers shared by the catalogues.
#include <cmath>
#include <cstdint>
#include <string>

namespace vramcalc {

// ASCII case-insensitive equality (ids and format names are ASCII), without allocating.
inline bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A non-negative value with one decimal ("12.5"), independent of the locale.
inline std::string fixed1(double v) {
  const uint64_t tenths = uint64_t(std::llround(v * 10.0));
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

}  // namespace vramcalc
