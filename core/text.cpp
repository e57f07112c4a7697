#include "text.hpp"

#include <cmath>
#include <cstdint>

#include "json_number.hpp"

namespace vramcalc {

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 (Unicode Table 3-7).
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + 1 >= s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (i + k >= s.size() || at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  }
  return n;
}

// Bytes of the maximal subpart of an ill-formed sequence at s[i] (at least 1): a lead byte and
// the continuation bytes that could still have followed it.
size_t ill_formed_span(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
  size_t k = 1;
  for (; k < n && i + k < s.size(); ++k) {
    const unsigned char d = static_cast<unsigned char>(s[i + k]);
    unsigned char lo = 0x80, hi = 0xBF;
    if (k == 1 && c == 0xE0) lo = 0xA0;
    if (k == 1 && c == 0xED) hi = 0x9F;
    if (k == 1 && c == 0xF0) lo = 0x90;
    if (k == 1 && c == 0xF4) hi = 0x8F;
    if (d < lo || d > hi) break;
  }
  return k;
}

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_sequence(s, i);
    if (n) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += kReplacement;
      i += ill_formed_span(s, i);
    }
  }
  return out;
}

namespace {

// The first max_chars characters made visible, and the input's length in characters.
std::string visible_prefix(std::string_view s, size_t max_chars, size_t* total_chars) {
  std::string out;
  size_t chars = 0, total = 0;
  for (size_t i = 0; i < s.size(); ++total) {
    const size_t n = utf8_sequence(s, i);
    const size_t step = n ? n : ill_formed_span(s, i);
    if (chars < max_chars) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (!n) {
        out += kReplacement;
      } else if (c < 0x20 || c == 0x7F) {
        // Control Pictures: U+2400 + c (U+2421 for DEL), e.g. a NUL shows as the symbol for null.
        const unsigned cp = c == 0x7F ? 0x2421 : 0x2400 + c;
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
      } else {
        out.append(s.substr(i, n));
      }
      ++chars;
    }
    i += step;
  }
  *total_chars = total;
  return out;
}

}  // namespace

std::string input_excerpt(std::string_view s, size_t max_chars) {
  size_t total = 0;
  std::string out = visible_prefix(s, max_chars, &total);
  if (total > max_chars) out += "... (" + std::to_string(total) + " characters)";
  return out;
}

std::string quote_input(std::string_view s, size_t max_chars) {
  size_t total = 0;
  const std::string prefix = visible_prefix(s, max_chars, &total);
  if (total > max_chars) return "\"" + prefix + "...\" (" + std::to_string(total) + " characters)";
  return "\"" + prefix + "\"";
}

std::string plain_number(double v) {
  if (!std::isfinite(v)) return v != v ? "not a number" : v > 0 ? "infinity" : "minus infinity";
  if (v == std::floor(v) && std::fabs(v) < 1.8e19) {
    std::string digits = std::to_string(uint64_t(std::fabs(v)));
    if (v < 0) digits.insert(digits.begin(), '-');
    return digits;
  }
  // json_number writes the shortest text that reads back as v, with an exponent past 1e15 or
  // below 1e-4 (e.g. "1e-09", "1.5e+20"): move the decimal point instead.
  std::string s = json_number(v);
  std::string sign;
  if (!s.empty() && s[0] == '-') {
    sign = "-";
    s.erase(0, 1);
  }
  const size_t e = s.find_first_of("eE");
  int exp10 = 0;
  if (e != std::string::npos) {
    // "e-09", "e+20": a sign and at most three digits.
    const bool negative = s[e + 1] == '-';
    for (size_t i = e + 1; i < s.size(); ++i) {
      if (s[i] >= '0' && s[i] <= '9') exp10 = exp10 * 10 + (s[i] - '0');
    }
    if (negative) exp10 = -exp10;
    s.erase(e);
  }
  std::string digits;
  int point = 0;  // digits before the decimal point
  const size_t dot = s.find('.');
  if (dot == std::string::npos) {
    digits = s;
    point = int(s.size());
  } else {
    digits = s.substr(0, dot) + s.substr(dot + 1);
    point = int(dot);
  }
  point += exp10;
  // Strip leading zeros (keeping the point where it is) and trailing zeros.
  while (digits.size() > 1 && digits[0] == '0') {
    digits.erase(0, 1);
    --point;
  }
  while (digits.size() > 1 && digits.back() == '0' && int(digits.size()) > point) digits.pop_back();
  std::string out;
  if (point <= 0) {
    out = "0." + std::string(size_t(-point), '0') + digits;
  } else if (point >= int(digits.size())) {
    out = digits + std::string(size_t(point) - digits.size(), '0');
  } else {
    out = digits.substr(0, size_t(point)) + "." + digits.substr(size_t(point));
  }
  return sign + out;
}

}  // namespace vramcalc
