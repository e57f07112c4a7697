// Numbers in the JSON output: the shortest text that reads back as the same double, in
// nlohmann::json's layout, the same natively and in WebAssembly (this suite runs in both).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "json_number.hpp"

using vramcalc::json_number;

TEST_CASE("json_number lays numbers out as nlohmann::json's dump does") {
  const double values[] = {0.0, -0.0, 1, 4, 4.5, 4.8, 0.1, 0.25, 100, 1e15, 1e16, 123456789012345678.0, 1e-5, 1.5e-5,
                           0.0001, 0.001, 1e300, 5e-324, 1.7976931348623157e308, 0.3, 2.0 / 3, 1e21, 65536.5,
                           -37.5, 404.5e9, 0.9, 3.0000000000000004};
  for (const double v : values) {
    CAPTURE(v);
    CHECK(json_number(v) == nlohmann::json(v).dump());
  }
  CHECK(json_number(NAN) == "null");
  CHECK(json_number(INFINITY) == "null");
}

TEST_CASE("json_number reads back as the same double, in at most as many characters as nlohmann's") {
  std::mt19937_64 rng(14);
  int longer = 0;
  int n = 0;
  for (int i = 0; i < 30000; ++i) {
    double v = 0;
    if (i % 3 == 0) {
      const uint64_t bits = rng();
      std::memcpy(&v, &bits, sizeof v);
      if (!std::isfinite(v)) continue;
    } else if (i % 3 == 1) {
      v = double(rng() % 100000000) / double(1 + rng() % 10000);
    } else {
      v = std::ldexp(double(rng() % 1000000), int(rng() % 60) - 30);
    }
    ++n;
    const std::string text = json_number(v);
    REQUIRE(std::strtod(text.c_str(), nullptr) == v);
    // nlohmann's Grisu2 is not always the shortest; where they differ, this one is never longer
    // but in a handful of 17-digit cases.
    if (text.size() > nlohmann::json(v).dump().size()) ++longer;
  }
  CHECK(n > 29000);
  CHECK(longer <= 5);
}

TEST_CASE("json_number has the fewest significant digits that read back, found by trying 1 to 17 in turn") {
  // The definition, checked directly: the first precision whose %.*e text reads back as v.
  const auto fewest_digits = [](double v) {
    char buf[40];
    for (int prec = 1; prec <= 17; ++prec) {
      std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
      if (std::strtod(buf, nullptr) == v) return prec;
    }
    return 17;
  };
  // The significant digits of the text json_number wrote, without leading or trailing zeros
  // ("0.00123" -> 3, "1234000.0" -> 4, "1.5e+20" -> 2); the fewest never end in a zero.
  const auto digits_written = [](const std::string& text) {
    std::string digits;
    for (const char c : text.substr(0, text.find('e'))) {
      if (c >= '0' && c <= '9' && !(digits.empty() && c == '0')) digits += c;
    }
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    return int(digits.size());
  };
  std::mt19937_64 rng(53);
  for (int i = 0; i < 20000; ++i) {
    double v = 0;
    if (i % 4 == 0) {
      const uint64_t bits = rng();
      std::memcpy(&v, &bits, sizeof v);
      if (!std::isfinite(v) || v == 0) continue;
    } else if (i % 4 == 1) {
      v = double(rng() % 100000) / 100.0;  // few digits: 12.34
    } else if (i % 4 == 2) {
      // Powers of two (where the gaps between doubles are uneven) and small multiples, subnormals too.
      v = std::ldexp(double(1 + rng() % 3), int(rng() % 2097) - 1074);
      if (!std::isfinite(v)) continue;
    } else {
      v = double(rng() % 1000000000000) * std::pow(10.0, double(int(rng() % 40) - 20));
    }
    CAPTURE(v);
    const std::string text = json_number(v);
    CAPTURE(text);
    CHECK(digits_written(text) == fewest_digits(std::fabs(v)));
  }
}

// decimal_value against the C library's strtod (glibc natively, musl in WebAssembly: both round
// correctly), on the texts where a reader is most easily wrong: halfway between two doubles
// (printed exactly from long double, which holds the halfway point of any two doubles), a digit
// either side of it, hundreds of digits, the ends of the range and subnormals.
TEST_CASE("decimal_value reads decimals as a correctly rounding strtod does") {
  using vramcalc::decimal_value;
  const auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  const char* fixed[] = {"0", "-0", "+0.000", "1", "12", "-0.5", "1e9", "1E-9", "0.1", "3.0000000000000004",
                         "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309",
                         "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9e-324", "1e-400", "1e400",
                         "9007199254740993", "9007199254740993.0000000000000000001", "123456789012345678901234567890",
                         "0.000000000000000000000000000000000000000000001", "1e-99999999999", "1e99999999999",
                         "00000000000000000000000001.5", "2.2250738585072011e-308", "2.2250738585072012e-308"};
  for (const char* t : fixed) {
    CAPTURE(t);
    CHECK(same(decimal_value(t), std::strtod(t, nullptr)));
  }
  std::mt19937_64 rng(1075);
  char buf[1200];
  int halfway = 0;
  for (int i = 0; i < 6000; ++i) {
    uint64_t bits = rng() & ~(uint64_t(1) << 63);
    if (i % 3 == 1) bits = (bits & (uint64_t(0x7ff) << 52)) | (rng() % 4);  // near a power of two
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    const double up = std::nextafter(v, INFINITY);
    std::string text;
    if (i % 2 == 0 && std::isfinite(up)) {
      std::snprintf(buf, sizeof buf, "%.780Le", (static_cast<long double>(v) + static_cast<long double>(up)) / 2);
      text = buf;
      ++halfway;
      // A digit either side of the exact halfway point: "...5000e-3" -> "...4999e-3" / "...5001e-3".
      if (rng() % 3 == 0) {
        const size_t e = text.find('e');
        size_t last = e - 1;
        while (text[last] == '0') --last;
        text.insert(last + 1, rng() % 2 ? "0000001" : "");
        if (text[last + 1] != '0' && text[last] > '0') --text[last], text.insert(last + 1, "99999999");
      }
    } else {
      std::snprintf(buf, sizeof buf, "%.*e", int(rng() % 25), v);
      text = buf;
    }
    CAPTURE(text);
    CHECK(same(decimal_value(text), std::strtod(text.c_str(), nullptr)));
  }
  CHECK(halfway > 2500);
  // Past the 800 digits kept: a halfway point written with 900 and more digits, exactly (a tie, to
  // the even neighbour) and with a 1 far beyond it (just above: up), and 1 plus a 1 at the 851st.
  for (int i = 0; i < 200; ++i) {
    uint64_t bits = rng() & ~(uint64_t(1) << 63);
    if (i % 2 == 0) bits &= (uint64_t(1) << 52) - 1;  // subnormal: the longest halfway points
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    const double up = std::nextafter(v, INFINITY);
    if (!std::isfinite(v) || !std::isfinite(up)) continue;
    std::snprintf(buf, sizeof buf, "%.780Le", (static_cast<long double>(v) + static_cast<long double>(up)) / 2);
    const std::string text = buf;
    const size_t e = text.find('e');
    for (const char* tail : {"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                             "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"}) {
      const std::string longer = text.substr(0, e) + tail + text.substr(e);
      CAPTURE(longer);
      CHECK(same(decimal_value(longer), std::strtod(longer.c_str(), nullptr)));
    }
  }
  const std::string one = "1." + std::string(850, '0') + "1";
  CHECK(same(decimal_value(one), 1.0));
  const std::string many = std::string(300, '7') + std::string(600, '3') + "e-700";
  CHECK(same(decimal_value(many), std::strtod(many.c_str(), nullptr)));
}
