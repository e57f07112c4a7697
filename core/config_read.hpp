#pragma once
// Reading the fields of a Hugging Face config.json: every bad value is an InputError naming the
// field, checked against generous physical bounds (an extra zero typed by mistake is refused).
#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "input.hpp"

namespace vramcalc::config {

using nlohmann::json;

// Upper bounds far above any published model, to refuse typos (an extra zero run) and overflow.
inline constexpr uint64_t kMaxLayers = 10'000;
inline constexpr uint64_t kMaxWidth = 1'000'000;
inline constexpr uint64_t kMaxHeads = 100'000;
inline constexpr uint64_t kMaxVocab = 10'000'000;
inline constexpr uint64_t kMaxExperts = 100'000;
inline constexpr uint64_t kMaxContext = 100'000'000;

// A value quoted by its first characters, numbers as people write them (input.hpp).
inline std::string describe(const json& v) { return describe_input(v); }

[[noreturn]] inline void bad_field(const std::string& field, const std::string& what, const json* got) {
  std::string msg = "config.json: \"" + field + "\" " + what;
  if (got) msg += " (got " + describe(*got) + ")";
  throw InputError(got ? "invalid_field" : "missing_field", field, msg);
}

inline bool has(const json& cfg, const char* field) {
  auto it = cfg.find(field);
  return it != cfg.end() && !it->is_null();
}

// A non-negative integer field. JSON numbers such as 4096.0 are accepted as integers.
inline uint64_t read_uint(const json& cfg, const char* field, uint64_t min_value, uint64_t max_value) {
  auto it = cfg.find(field);
  if (it == cfg.end() || it->is_null()) bad_field(field, "is required", nullptr);
  const json& v = *it;
  uint64_t out = 0;
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
  } else if (v.is_number_integer()) {
    if (v.get<int64_t>() < 0) bad_field(field, "must not be negative", &v);
    out = static_cast<uint64_t>(v.get<int64_t>());
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) bad_field(field, "must be a whole number", &v);
    if (d < 0) bad_field(field, "must not be negative", &v);
    if (d > static_cast<double>(max_value)) bad_field(field, "is too large: " + at_most(double(max_value)), &v);
    out = static_cast<uint64_t>(d);
  } else {
    bad_field(field, "must be a number", &v);
  }
  if (out < min_value) {
    bad_field(field, min_value == 1 ? "must be at least 1" : "must be at least " + std::to_string(min_value), &v);
  }
  if (out > max_value) bad_field(field, "is too large: " + at_most(double(max_value)), &v);
  return out;
}

inline uint32_t read_u32(const json& cfg, const char* field, uint64_t min_value, uint64_t max_value) {
  return static_cast<uint32_t>(read_uint(cfg, field, min_value, max_value));
}

inline uint32_t read_u32_or(const json& cfg, const char* field, uint32_t fallback, uint64_t min_value, uint64_t max_value) {
  return has(cfg, field) ? read_u32(cfg, field, min_value, max_value) : fallback;
}

inline bool read_bool_or(const json& cfg, const char* field, bool fallback) {
  auto it = cfg.find(field);
  if (it == cfg.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) bad_field(field, "must be true or false", &*it);
  return it->get<bool>();
}

inline std::string read_string_or(const json& cfg, const char* field, const std::string& fallback) {
  auto it = cfg.find(field);
  if (it == cfg.end() || it->is_null()) return fallback;
  if (!it->is_string()) bad_field(field, "must be a string", &*it);
  return it->get<std::string>();
}

}  // namespace vramcalc::config
