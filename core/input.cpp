#include "input.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "json_number.hpp"
#include "labels.hpp"
#include "text.hpp"

namespace vramcalc {

using nlohmann::json;

// A decimal number in plain or scientific notation ("12", "-0.5", "1e9"), nothing else: no hex,
// no "inf" or "nan", no trailing text (std::stod accepts all of those).
bool parse_decimal(const std::string& s, double* out) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  if (i != s.size()) return false;
  *out = decimal_value(s);
  return true;
}

namespace {

std::string trimmed(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r')) --b;
  return s.substr(a, b - a);
}

std::string code_for(const std::string& field) { return "invalid_" + field.substr(0, field.find('.')); }

[[noreturn]] void invalid(const std::string& field, const std::string& what, const json& got) {
  throw InputError(code_for(field), field,
                   field_label(field) + " " + what + " (got " + describe_input(got) + ")");
}

// 1000 stays 1000; 10000 becomes 10,000.
std::string grouped_count(uint64_t n) {
  const std::string s = std::to_string(n);
  if (s.size() <= 4) return s;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(s[i]);
  }
  return out;
}

std::string grouped(double v) {
  std::string s = plain_number(v);
  const size_t end = s.find('.') == std::string::npos ? s.size() : s.find('.');
  const size_t start = s[0] == '-' ? 1 : 0;
  if (end - start <= 4) return s;  // 1000 stays 1000; 10000 becomes 10,000
  std::string out = s.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out.push_back(',');
    out.push_back(s[i]);
  }
  return out + s.substr(end);
}

}  // namespace

std::string describe_input(const json& v) {
  if (v.is_string()) return quote_input(v.get_ref<const std::string&>());
  if (v.is_number_float()) return plain_number(v.get<double>());
  if (v.is_number()) return v.dump();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "nothing";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "a value of another kind";
}

uint64_t whole_number_from_text(const std::string& field, const std::string& text, uint64_t max_value) {
  const std::string s = trimmed(text);
  auto fail = [&](const std::string& what) {
    throw InputError(code_for(field), field, field_label(field) + " " + what + " (got " + quote_input(text) + ")");
  };
  if (s.empty()) throw InputError(code_for(field), field, field_label(field) + " is empty: enter a whole number");
  double d = 0;
  if (!parse_decimal(s, &d)) fail("must be a whole number");
  if (!std::isfinite(d) || d > double(max_value)) fail("is far too large: " + at_most(max_value));
  if (d < 0) fail("cannot be negative");
  if (d != std::floor(d)) fail("must be a whole number");
  return uint64_t(d);
}

uint64_t read_whole_number(const json& v, const std::string& field, uint64_t max_value) {
  double d = 0;
  if (v.is_number_unsigned()) {
    const uint64_t n = v.get<uint64_t>();
    if (n > max_value) invalid(field, "is far too large: " + at_most(max_value), v);
    return n;
  }
  if (v.is_number_integer()) {
    if (v.get<int64_t>() < 0) invalid(field, "cannot be negative", v);
    return uint64_t(v.get<int64_t>());  // not reached: nlohmann stores non-negative integers as unsigned
  }
  if (v.is_number_float()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    return whole_number_from_text(field, v.get<std::string>(), max_value);
  } else {
    invalid(field, "must be a number", v);
  }
  if (!std::isfinite(d)) invalid(field, "is far too large: " + at_most(max_value), v);
  if (d < 0) invalid(field, "cannot be negative", v);
  if (d != std::floor(d)) invalid(field, "must be a whole number", v);
  if (d > double(max_value)) invalid(field, "is far too large: " + at_most(max_value), v);
  return uint64_t(d);
}

double read_real_number(const json& v, const std::string& field) {
  double d = 0;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    const std::string s = trimmed(v.get<std::string>());
    if (s.empty()) throw InputError(code_for(field), field, field_label(field) + " is empty: enter a number");
    if (!parse_decimal(s, &d)) invalid(field, "must be a number", v);
  } else {
    invalid(field, "must be a number", v);
  }
  if (!std::isfinite(d)) invalid(field, "is far too large", v);
  return d;
}

std::string at_least(double min) { return "at least " + grouped(min); }
std::string at_most(double max) { return "at most " + grouped(max); }
std::string at_least(uint64_t min) { return "at least " + grouped_count(min); }
std::string at_most(uint64_t max) { return "at most " + grouped_count(max); }

std::string count_of(uint64_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace vramcalc
