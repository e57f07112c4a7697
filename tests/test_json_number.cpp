// Numbers in the JSON output: the shortest text that reads back as the same double, in
// nlohmann::json's layout, the same natively and in WebAssembly (this suite runs in both).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
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
