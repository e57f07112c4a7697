#include "json_number.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace vramcalc {

namespace {

// Decimal digits in place, no allocation (a number's text is written many times per estimate).
// The longest held: the exact value of a double's halfway point, under 770 digits, or the 801 a
// read number keeps.
class Digits {
 public:
  static constexpr size_t kMax = 808;
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const char* data() const { return d_; }
  char& operator[](size_t i) { return d_[i]; }
  char operator[](size_t i) const { return d_[i]; }
  char back() const { return d_[n_ - 1]; }
  void push_back(char c) {
    if (n_ < kMax) d_[n_++] = c;
  }
  void append(const char* p, size_t k) {
    if (k > kMax - n_) k = kMax - n_;
    std::memcpy(d_ + n_, p, k);
    n_ += k;
  }
  void resize(size_t k) { n_ = k < n_ ? k : n_; }
  void push_front(char c) {  // the last digit drops when full
    const size_t keep = n_ < kMax ? n_ : kMax - 1;
    std::memmove(d_ + 1, d_, keep);
    d_[0] = c;
    n_ = keep + 1;
  }

 private:
  char d_[kMax];
  size_t n_ = 0;
};

// A non-negative decimal, digits x 10^exp10: the digits most significant first, no leading or
// trailing zeros (zero is no digits).
struct Decimal {
  Digits digits;
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
  uint64_t limbs[Digits::kMax / 9 + 2];  // a x 5^1076 at most: 2^55 x 5^1076 has 770 digits
  size_t count = 0;
  for (uint64_t x = a; x > 0; x /= kBase) limbs[count++] = x % kBase;
  const auto multiply = [&](uint64_t f) {
    uint64_t carry = 0;
    for (size_t i = 0; i < count; ++i) {
      const uint64_t p = limbs[i] * f + carry;  // below 10^9 x 5.4 x 10^8 + carry: fits in 64 bits
      limbs[i] = p % kBase;
      carry = p / kBase;
    }
    for (; carry > 0 && count < sizeof limbs / sizeof limbs[0]; carry /= kBase) limbs[count++] = carry % kBase;
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
  for (size_t i = count; i-- > 0;) {
    char nine[10];
    uint64_t x = limbs[i];
    for (int j = 8; j >= 0; --j, x /= 10) nine[j] = char('0' + x % 10);
    int from = 0;
    if (i + 1 == count) {
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
  const size_t n = x.digits.size() < y.digits.size() ? x.digits.size() : y.digits.size();
  const int c = std::memcmp(x.digits.data(), y.digits.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return x.digits.size() == y.digits.size() ? 0 : (x.digits.size() < y.digits.size() ? -1 : 1);
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
  Decimal r = x;
  r.digits.resize(p);
  r.exp10 = x.exp10 + int(x.digits.size() - p);
  const char next = x.digits[p];
  // Past the next digit there is more only when it is not the last (the last is never a zero).
  const bool up = next > '5' || (next == '5' && (x.digits.size() > p + 1 || (r.digits.back() - '0') % 2 == 1));
  if (up) {
    size_t i = p;
    while (i > 0 && r.digits[i - 1] == '9') r.digits[--i] = '0';
    if (i == 0) {  // 999 -> 1000: one digit more, the trailing zero dropped below
      r.digits.push_front('1');
      r.digits.resize(p);
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
    const std::string whole = digits_of(uint64_t(v));
    d.digits.append(whole.data(), whole.size());
    strip_trailing_zeros(&d);
  } else {
    const Binary b = binary(v);
    const Decimal x = exact(b.m, b.e), low = lower_half(b), high = upper_half(b);
    for (size_t prec = b.exponent_bits == 0 ? 1 : 15; prec <= 17; ++prec) {
      d = rounded(x, prec);
      if (reads_back(d, b, low, high)) break;
    }
  }
  const std::string_view digits(d.digits.data(), d.digits.size());
  const int k = int(digits.size());
  const int n = k + d.exp10;  // where the decimal point goes, counted from the first digit
  if (k <= n && n <= 15) {  // 1234000.0
    out += digits;
    out.append(size_t(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 15) {  // 12.34
    out += digits.substr(0, size_t(n));
    out += '.';
    out += digits.substr(size_t(n));
  } else if (-4 < n && n <= 0) {  // 0.001234
    out += "0.";
    out.append(size_t(-n), '0');
    out += digits;
  } else {  // 1.234e+20, 1e-05: at least two exponent digits, as printf's %g
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
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
  bool dropped = false;  // a nonzero digit past the Digits::kMax kept
  for (bool point = false; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (!(d.digits.empty() && c == '0')) {
        if (d.digits.size() < Digits::kMax) {
          d.digits.push_back(c);
        } else {
          ++exp10;  // past what is kept: only its place counts (and that it is there, below)
          dropped = dropped || c != '0';
        }
      }
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
  // fewer significant digits): when some of them are not zero, a 1 in the 801st place stands for
  // them.
  constexpr size_t kKeep = 800;
  if (dropped || d.digits.size() > kKeep + 1) {
    const int top_place = int(d.digits.size()) + d.exp10;
    d.digits.resize(kKeep);
    while (d.digits.size() < kKeep) d.digits.push_back('0');
    d.digits.push_back('1');
    d.exp10 = top_place - int(kKeep + 1);
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
