// Text from a user's file or form, made safe to echo; numbers printed as people write them.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "json_writer.hpp"
#include "labels.hpp"
#include "text.hpp"

using namespace vramcalc;

TEST_CASE("ill-formed UTF-8 is replaced by U+FFFD per maximal subpart, as the Unicode Standard shows") {
  // The Unicode Standard, chapter 3.9, "U+FFFD Substitution of Maximal Subparts" (Table 3-8):
  // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
  const std::string in = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
  const std::string r = "\xEF\xBF\xBD";
  CHECK(valid_utf8(in) == "a" + r + r + r + "b" + r + "c" + r + r + "d");
  CHECK_FALSE(is_valid_utf8(in));
  // Surrogates, overlong forms and code points past U+10FFFF are ill-formed too.
  CHECK(valid_utf8("\xED\xA0\x80") == r + r + r);
  CHECK(valid_utf8("\xC0\xAF") == r + r);
  CHECK(valid_utf8("\xF4\x90\x80\x80") == r + r + r + r);
  // Well-formed text is unchanged.
  const std::string ok = "Qwen \xE2\x80\x94 \xF0\x9F\x98\x80 \xC3\xA9";
  CHECK(is_valid_utf8(ok));
  CHECK(valid_utf8(ok) == ok);
}

TEST_CASE("an excerpt keeps the first characters, shows control characters and counts the rest") {
  CHECK(quote_input("abc") == "\"abc\"");
  CHECK(quote_input(std::string(50, 'a'), 10) == "\"aaaaaaaaaa...\" (50 characters)");
  // Characters, not bytes: a cut never splits a UTF-8 sequence.
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "\xC3\xA9";
  CHECK(quote_input(accents, 3) == "\"\xC3\xA9\xC3\xA9\xC3\xA9...\" (50 characters)");
  CHECK(input_excerpt(std::string("a\0b\n", 4)) == "a\xE2\x90\x80" "b\xE2\x90\x8A");
  CHECK(input_excerpt("\xFFz") == "\xEF\xBF\xBDz");
}

TEST_CASE("numbers print as people write them") {
  CHECK(plain_number(1e15) == "1000000000000000");
  CHECK(plain_number(1000000000.0) == "1000000000");
  CHECK(plain_number(0.5) == "0.5");
  CHECK(plain_number(1e-9) == "0.000000001");
  CHECK(plain_number(-2.25) == "-2.25");
  CHECK(plain_number(1.5e20) == "150000000000000000000");
  CHECK(plain_number(123456.789) == "123456.789");
  CHECK(plain_number(0.1) == "0.1");
}

TEST_CASE("messages name fields by their labels") {
  CHECK(field_label("calls_per_day") == "Calls per day");
  CHECK(field_label("usd_per_device_hour") == "Self-hosting price per device-hour");
  CHECK(field_label("custom_gpu.memory_gb") == "GPU memory (GB)");
  CHECK(field_label("gpu_layers") == "Layers on the GPU");
  CHECK(labelled_message("gpu_layers", "gpu_layers must be between 0 and 29") == "Layers on the GPU must be between 0 and 29");
  CHECK(labelled_message("custom_gpu.memory_gb", "memory_gb is required") == "GPU memory (GB) is required");
  // Only a leading id is replaced.
  CHECK(labelled_message("gpus", "gpusx must be") == "gpusx must be");
}

TEST_CASE("the JSON writer's strings read back, by an independent parser, as the text made valid UTF-8") {
  // nlohmann::json is the reference reader: every string the writer emits parses to the input
  // with ill-formed UTF-8 replaced, whatever bytes it held (quotes, backslashes, controls, NUL).
  const auto round_trip = [](const std::string& in) {
    JsonWriter w;
    w.begin_object().field(in, in).end_object();
    const nlohmann::json j = nlohmann::json::parse(w.str());
    REQUIRE(j.size() == 1);
    CHECK(j.begin().key() == valid_utf8(in));
    CHECK(j.begin().value() == valid_utf8(in));
  };
  round_trip("");
  round_trip("plain ascii id q4_k_m");
  round_trip(std::string("\"quoted\" back\\slash \n\t\r \b\f \x01\x1f \x7f") + std::string(1, '\0') + "end");
  round_trip("caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80");
  round_trip("cut \xC3 and \xF0\x9F\x98 and \xFF");
  std::mt19937 rng(2026);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 24, ' ');
    // Bytes drawn mostly from the characters that need care.
    static const char pick[] = {'"', '\\', '\n', '\0', '\x1f', 'a', '\x7f', '\xC3', '\xA9', '\xE2', '\x80', '\xF0', '\xFF'};
    for (char& c : s) c = rng() % 3 ? pick[rng() % sizeof(pick)] : char(rng());
    CAPTURE(i);
    round_trip(s);
  }
}
