#include "json_number.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vramcalc {

namespace {

// A non-negative decimal, digits x 10^exp10: the digits most significant first, no leading or
// trailing zeros (zero is no digits).
struct Decimal {
  std::string digits;
  int exp10 = 0;
};

void strip_trailing_zeros(Decimal* d) {
  size_t n = d->digits.size();
  while (n > 0 && d->digits[n - 1] == '0') --n;
  d->exp10 += int(d->digits.size() - n);
  d->digits.resize(n);
}

// The exact value of a x 2^b, as decimal digits. Limbs of nine decimal digits, least significant
// first: for b >= 0 the integer is multiplied by 2^b, for b < 0 a x 2^b = a x 5^-b x 10^b, so it is
// multiplied by 5^-b and the decimal point moves -b places. No binary-to-decimal step remains.
Decimal exact(uint64_t a, int b) {
  constexpr uint64_t kBase = 1000000000;
  std::vector<uint64_t> limbs;
  for (uint64_t x = a; x > 0; x /= kBase) limbs.push_back(x % kBase);
  const auto multiply = [&](uint64_t f) {
    uint64_t carry = 0;
    for (uint64_t& l : limbs) {
      const uint64_t p = l * f + carry;  // below 10^9 x 5.4 x 10^8 + carry: fits in 64 bits
      l = p % kBase;
      carry = p / kBase;
    }
    for (; carry > 0; carry /= kBase) limbs.push_back(carry % kBase);
  };
  Decimal d;
  if (b >= 0) {
    for (int k = b; k > 0; k -= 29) multiply(uint64_t(1) << (k < 29 ? k : 29));
  } else {
    for (int k = -b; k > 0; k -= 12) {
      uint64_t f = 1;
      for (int i = 0; i < (k < 12 ? k : 12); ++i) f *= 5;
      multiply(f);
    }
    d.exp10 = b;
  }
  for (size_t i = limbs.size(); i-- > 0;) {
    char nine[10];
    uint64_t x = limbs[i];
    for (int j = 8; j >= 0; --j, x /= 10) nine[j] = char('0' + x % 10);
    int from = 0;
    if (i + 1 == limbs.size()) {
      while (from < 8 && nine[from] == '0') ++from;
    }
    d.digits.append(nine + from, size_t(9 - from));
  }
  strip_trailing_zeros(&d);
  return d;
}

// -1, 0 or 1 as x is below, equal to or above y.
int compare(const Decimal& x, const Decimal& y) {
  if (x.digits.empty() || y.digits.empty()) return int(!x.digits.empty()) - int(!y.digits.empty());
  // The place of the leading digit decides; at the same place, digit by digit (without trailing
  // zeros, a string that is a prefix of the other is the smaller number).
  const long px = long(x.digits.size()) + x.exp10, py = long(y.digits.size()) + y.exp10;
  if (px != py) return px < py ? -1 : 1;
  const int c = x.digits.compare(y.digits);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// A finite double above zero as m x 2^e, with the halfway points to its neighbours: a decimal
// strictly between them reads back as v, and one on them reads back as v when m is even (ties go
// to the even mantissa). Below a power of two the gap to the lower neighbour is half as wide.
struct Binary {
  uint64_t m = 0;
  int e = 0;
  int exponent_bits = 0;
};

Binary binary(double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  Binary b;
  b.exponent_bits = int((bits >> 52) & 0x7ff);
  const uint64_t fraction = bits & ((uint64_t(1) << 52) - 1);
  b.m = b.exponent_bits == 0 ? fraction : fraction | (uint64_t(1) << 52);
  b.e = b.exponent_bits == 0 ? -1074 : b.exponent_bits - 1075;
  return b;
}

Decimal upper_half(const Binary& b) { return exact(2 * b.m + 1, b.e - 1); }

Decimal lower_half(const Binary& b) {
  if (b.m == uint64_t(1) << 52 && b.exponent_bits > 1) return exact(4 * b.m - 1, b.e - 2);
  return exact(2 * b.m - 1, b.e - 1);
}

bool reads_back(const Decimal& d, const Binary& b, const Decimal& low, const Decimal& high) {
  const int lo = compare(d, low), hi = compare(d, high);
  const bool even = b.m % 2 == 0;
  return (lo > 0 || (lo == 0 && even)) && (hi < 0 || (hi == 0 && even));
}

// x rounded to p significant digits, halves to the even digit (as printf rounds an exact tie).
Decimal rounded(const Decimal& x, size_t p) {
  if (x.digits.size() <= p) return x;
  Decimal r{x.digits.substr(0, p), x.exp10 + int(x.digits.size() - p)};
  const char next = x.digits[p];
  // Past the next digit there is more only when it is not the last (the last is never a zero).
  const bool up = next > '5' || (next == '5' && (x.digits.size() > p + 1 || (r.digits.back() - '0') % 2 == 1));
  if (up) {
    size_t i = p;
    while (i > 0 && r.digits[i - 1] == '9') r.digits[--i] = '0';
    if (i == 0) {
      r.digits.insert(r.digits.begin(), '1');
      r.digits.pop_back();
      ++r.exp10;
    } else {
      ++r.digits[i - 1];
    }
  }
  strip_trailing_zeros(&r);
  return r;
}

std::string digits_of(uint64_t n) {
  char buf[20];
  int k = 20;
  do {
    buf[--k] = char('0' + n % 10);
    n /= 10;
  } while (n > 0);
  return std::string(buf + k, size_t(20 - k));
}

}  // namespace

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::string out;
  if (std::signbit(v)) {
    out += '-';
    v = -v;
  }
  if (v == 0) return out + "0.0";
  // The fewest significant digits that read back as v. If some k <= 15 digits do, those k digits
  // are v rounded to 15 digits with its trailing zeros dropped: they lie within half a unit in the
  // last place of v (at most 2^-53 of v), far inside half a step of 15 digits (at least 5e-16 of
  // v), so rounding to 15 digits lands on them. Hence 15 digits first, then 16 and 17, give the
  // same answer as trying 1, 2, ... 17 in turn. Not so for a subnormal v, whose last place is a
  // larger share of it: those try every precision. A whole number below 2^53 reads back from its
  // own digits and from no fewer (any other number with fewer digits is at least 1 away).
  Decimal d;
  if (v < 9007199254740992.0 && v == std::floor(v)) {
    d.digits = digits_of(uint64_t(v));
    strip_trailing_zeros(&d);
  } else {
    const Binary b = binary(v);
    const Decimal x = exact(b.m, b.e), low = lower_half(b), high = upper_half(b);
    for (size_t prec = b.exponent_bits == 0 ? 1 : 15; prec <= 17; ++prec) {
      d = rounded(x, prec);
      if (reads_back(d, b, low, high)) break;
    }
  }
  const std::string& digits = d.digits;
  const int k = int(digits.size());
  const int n = k + d.exp10;  // where the decimal point goes, counted from the first digit
  if (k <= n && n <= 15) {  // 1234000.0
    out += digits;
    out.append(size_t(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 15) {  // 12.34
    out.append(digits, 0, size_t(n));
    out += '.';
    out.append(digits, size_t(n), std::string::npos);
  } else if (-4 < n && n <= 0) {  // 0.001234
    out += "0.";
    out.append(size_t(-n), '0');
    out += digits;
  } else {  // 1.234e+20, 1e-05: at least two exponent digits, as printf's %g
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    const int x = n - 1;
    out += x < 0 ? "e-" : "e+";
    const std::string e = digits_of(uint64_t(x < 0 ? -x : x));
    if (e.size() < 2) out += '0';
    out += e;
  }
  return out;
}

double decimal_value(std::string_view text) {
  size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  Decimal d;
  long exp10 = 0;
  for (bool point = false; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (!(d.digits.empty() && c == '0')) d.digits += c;
      if (point) --exp10;
    } else {
      break;
    }
  }
  if (i < text.size()) {  // e or E, a sign, digits: far past any double's range is enough to know
    ++i;
    const bool minus = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    long e = 0;
    for (; i < text.size(); ++i) e = e < 100000000 ? e * 10 + (text[i] - '0') : e;
    exp10 += minus ? -e : e;
  }
  const double zero = negative ? -0.0 : 0.0;
  if (d.digits.empty()) return zero;
  const long top = long(d.digits.size()) + exp10;  // the value is below 10^top, at least 10^(top-1)
  if (top > 310) return negative ? -HUGE_VAL : HUGE_VAL;
  if (top < -330) return zero;
  d.exp10 = int(exp10);
  strip_trailing_zeros(&d);
  // Digits past the 800th move the value past no double's halfway point (whose exact values have
  // fewer significant digits): a 1 in their place stands for them (they hold a nonzero digit, as
  // the last digit is not a zero).
  constexpr size_t kKeep = 800;
  if (d.digits.size() > kKeep + 1) {
    d.exp10 += int(d.digits.size() - kKeep - 1);
    d.digits.resize(kKeep);
    d.digits += '1';
  }
  // A first guess from the leading 19 digits, some units in the last place off at most, then one
  // neighbour at a time towards the exact value, by the halfway points.
  uint64_t lead = 0;
  const size_t n = d.digits.size() < 19 ? d.digits.size() : 19;
  for (size_t j = 0; j < n; ++j) lead = lead * 10 + uint64_t(d.digits[j] - '0');
  const int scale = d.exp10 + int(d.digits.size() - n);
  // Powers of ten to 1e22 are exact doubles: one product or quotient is the answer itself when the
  // leading digits are all there are (below 2^53) and the power is in the table; each further
  // step by 1e22 adds at most half a unit in the last place.
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  double g = double(lead);
  int k = scale;
  for (; k > 22; k -= 22) g *= 1e22;
  for (; k < -22; k += 22) g /= 1e22;
  g = k >= 0 ? g * kPow10[k] : g / kPow10[-k];
  if (!(g > 0)) g = 5e-324;
  if (!std::isfinite(g)) g = 1.7976931348623157e308;
  for (;;) {
    const Binary b = binary(g);
    const Decimal high = upper_half(b);
    const int hi = compare(d, high);
    if (hi > 0 || (hi == 0 && b.m % 2 == 1)) {
      g = std::nextafter(g, HUGE_VAL);  // past the largest double: infinity, as strtod reads it
      if (std::isinf(g)) break;
      continue;
    }
    const int lo = compare(d, lower_half(b));
    if (lo < 0 || (lo == 0 && b.m % 2 == 1)) {
      g = std::nextafter(g, 0.0);
      if (g == 0) break;
      continue;
    }
    break;
  }
  return negative ? -g : g;
}

}  // namespace vramcalc
