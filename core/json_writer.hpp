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
    // Names from a user's GGUF file or config can hold any bytes; JSON text must be UTF-8. Text
    // that is all ASCII (ids, keys, the catalogue's names) needs no check.
    std::string repaired;
    std::string_view s = text;
    bool ascii = true;
    for (std::size_t i = 0; i < text.size(); ++i) ascii = ascii && static_cast<unsigned char>(text.data()[i]) < 0x80;
    if (!ascii && !is_valid_utf8(text)) {
      repaired = valid_utf8(text);
      s = repaired;
    }
    out_.push_back('"');
    // Runs of characters that need no escape are appended at once (one call, not one per byte).
    const char* data = s.data();
    const std::size_t n = s.size();
    std::size_t run = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(data[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(data + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_.append("\\\"", 2); break;
        case '\\': out_.append("\\\\", 2); break;
        case '\n': out_.append("\\n", 2); break;
        case '\t': out_.append("\\t", 2); break;
        case '\r': out_.append("\\r", 2); break;
        default: {
          static const char hex[] = "0123456789abcdef";
          const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
          out_.append(u, 6);
        }
      }
    }
    out_.append(data + run, n - run);
    out_.push_back('"');
  }
  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace vramcalc
