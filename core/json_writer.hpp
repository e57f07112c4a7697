#pragma once
// A small streaming JSON writer for the estimate's output. Building nlohmann::json objects for a
// result this size compiles to tens of kilobytes of WebAssembly; appending to a string does not.
#include <cstdint>
#include <string>
#include <string_view>

#include "json_number.hpp"

#include "text.hpp"

namespace vramcalc {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k) {
    comma();
    string(k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view s) {
    comma();
    string(s);
    return *this;
  }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  JsonWriter& value(uint64_t n) {
    comma();
    out_ += std::to_string(n);
    return *this;
  }
  JsonWriter& value(uint32_t n) { return value(uint64_t(n)); }
  JsonWriter& value(double d) {
    comma();
    out_ += json_number(d);  // the shortest round-trip form (no float to_chars in every libc++)
    return *this;
  }
  JsonWriter& null() {
    comma();
    out_ += "null";
    return *this;
  }
  JsonWriter& raw(std::string_view json) {  // an already serialised value
    comma();
    out_ += json;
    return *this;
  }
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c) {
    comma();
    out_.push_back(c);
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_.push_back(c);
    first_ = false;
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_ && !out_.empty()) out_.push_back(',');
    first_ = false;
  }
  void string(std::string_view text) {
    // Names from a user's GGUF file or config can hold any bytes; JSON text must be UTF-8.
    std::string repaired;
    std::string_view s = text;
    if (!is_valid_utf8(text)) {
      repaired = valid_utf8(text);
      s = repaired;
    }
    out_.push_back('"');
    for (const char ch : s) {
      const unsigned char c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        case '\r': out_ += "\\r"; break;
        default:
          if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_.push_back(hex[c >> 4]);
            out_.push_back(hex[c & 15]);
          } else {
            out_.push_back(ch);
          }
      }
    }
    out_.push_back('"');
  }
  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace vramcalc
