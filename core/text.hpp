#pragma once
// Small text helpers: case-insensitive ids, and making text from a user's file or form safe to
// echo in a message (valid UTF-8, visible control characters, a short prefix of long input) and
// numbers printed as people write them.
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>

namespace vramcalc {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality (ids and format names are ASCII), without allocating.
// (On views: the catalogue lookups call it for every entry, and a view's size and bytes are
// read without a call even in the size-optimised WebAssembly build.)
inline bool iequals(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* pa = a.data();
  const char* pb = b.data();
  for (size_t i = 0; i < n; ++i) {
    if (ascii_lower(pa[i]) != ascii_lower(pb[i])) return false;
  }
  return true;
}

// A non-negative value with one decimal ("12.5"), independent of the locale.
inline std::string fixed1(double v) {
  const uint64_t tenths = uint64_t(std::llround(v * 10.0));
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

// The text with every ill-formed UTF-8 sequence replaced by U+FFFD, one per maximal subpart as
// the WHATWG decoder (and so the browser) does: bytes from a GGUF file or a file the CLI reads
// can be anything, and JSON output must be valid UTF-8.
std::string valid_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);

// Input to quote in a message: valid UTF-8, control characters shown as their visible symbols
// (a NUL as U+2400, so it neither ends nor hides the message), and at most max_chars characters
// followed by "..." and the full length when the input is longer. Without the quotes.
std::string input_excerpt(std::string_view s, size_t max_chars = 40);
// The same in double quotes.
std::string quote_input(std::string_view s, size_t max_chars = 40);

// A number as a person writes it: no exponent and no trailing ".0" (1e15 prints as
// 1000000000000000, 1000000000.0 as 1000000000, 0.5 as 0.5, 1e-9 as 0.000000001). At most 17
// significant digits, the shortest text that reads back as the same double.
std::string plain_number(double v);

}  // namespace vramcalc
