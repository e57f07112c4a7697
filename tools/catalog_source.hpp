#pragma once
// Prints a catalogue value as a C++ braced initialiser, field by field in declaration order
// (aggregate_fields.hpp): the tests compare the catalogue the WebAssembly build reads from its
// bytes (catalog_blob.hpp) with the one the native build parsed from data/*.json this way. Every
// field of every struct is printed; a field whose type this printer does not know fails to
// compile (the static_assert below), so a new kind of field cannot be dropped silently.
//
// Derived fields (the tensor lists, their groups and the parameter counts of a catalogue model)
// are printed empty: complete_catalog_model() computes them from the architecture, with the same
// code as the native build, when the tables are loaded.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "aggregate_fields.hpp"
#include "catalog.hpp"
#include "catalog_blob.hpp"

namespace vramcalc::catalog_source {

// The field kinds, as the byte encoding knows them.
using catalog_blob::always_false;
using catalog_blob::is_array;
using catalog_blob::is_derived;
using catalog_blob::is_vector;

inline void put_string(std::string& out, const std::string& s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) throw std::runtime_error("catalogue text holds a NUL byte: " + s);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);  // octal: a following digit cannot extend it past 3
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

template <typename T>
void put(std::string& out, const T& v) {
  if constexpr (is_derived<T>) {
    out += "{}";
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_enum_v<T>) {
    out += "EnumValue<" + std::to_string(static_cast<long long>(v)) + ">{}";
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    out += std::to_string(static_cast<long long>(v)) + "ll";
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(static_cast<unsigned long long>(v)) + "ull";
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(static_cast<double>(v))) throw std::runtime_error("catalogue number is not finite");
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(v));  // reads back as the same double
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    out += s;
  } else if constexpr (std::is_same_v<T, std::string>) {
    put_string(out, v);
  } else if constexpr (is_vector<T>::value || is_array<T>::value) {
    out += is_array<T>::value ? "{{" : "{";
    bool first = true;
    for (const auto& e : v) {
      if (!first) out += ',';
      first = false;
      put(out, e);
    }
    out += is_array<T>::value ? "}}" : "}";
  } else if constexpr (std::is_aggregate_v<T> && std::is_class_v<T>) {
    out += '{';
    bool first = true;
    reflect::for_each_field(v, [&](const auto& field) {
      if (!first) out += ',';
      first = false;
      put(out, field);
    });
    out += '}';
  } else {
    static_assert(always_false<T>, "catalog_source: a catalogue field of a type the printer does not know; add it here");
  }
}

// The catalogue as one braced initialiser: every field, in order, as C++ source text (for
// comparing two catalogues field by field, with a readable difference).
inline std::string text(const Catalog& c) {
  std::string body;
  put(body, c);
  return body;
}

}  // namespace vramcalc::catalog_source
