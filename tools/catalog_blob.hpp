#pragma once
// The catalogue as bytes (and the device catalogue and the fitted speed model with it): every field of every struct in declaration order (aggregate_fields.hpp),
// written by the native build (encode) and read back by the WebAssembly build (decode) from a
// byte string compiled into the module. One small reader per field type and per struct replaces
// the code a braced initialiser of every catalogue entry would compile to, and the bytes compress
// better than code. The derived fields (tensor lists, groups, parameter counts) are left out, as
// in catalog_source.hpp: complete_catalog_model() computes them when the tables are loaded.
//
// Encoding: bool one byte; unsigned integers as LEB128; signed integers and enumerators zigzag
// then LEB128; floating point the 8 bytes of the double, little-endian (exact); text and vectors
// a length then the bytes or elements; a std::map its size then each key and value; std::array
// its elements; a struct its fields.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "aggregate_fields.hpp"
#include "calibration.hpp"
#include "catalog.hpp"
#include "hardware.hpp"

namespace vramcalc::catalog_blob {

template <typename T>
struct is_vector : std::false_type {};
template <typename T, typename A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <typename T>
struct is_map : std::false_type {};
template <typename K, typename V, typename C, typename A>
struct is_map<std::map<K, V, C, A>> : std::true_type {};
template <typename T>
struct is_array : std::false_type {};
template <typename T, std::size_t N>
struct is_array<std::array<T, N>> : std::true_type {};

template <typename T>
constexpr bool is_derived = std::is_same_v<T, std::vector<Tensor>> || std::is_same_v<T, std::vector<TensorGroup>> ||
                            std::is_same_v<T, ParamCounts>;

template <typename T>
constexpr bool always_false = false;

inline void put_uint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += char(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out += char(uint8_t(v));
}

inline void put_int(std::string& out, int64_t v) { put_uint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63)); }

template <typename T>
void encode(std::string& out, const T& v) {
  if constexpr (is_derived<T>) {
  } else if constexpr (std::is_same_v<T, bool>) {
    out += char(v ? 1 : 0);
  } else if constexpr (std::is_enum_v<T>) {
    put_int(out, static_cast<int64_t>(v));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    put_int(out, static_cast<int64_t>(v));
  } else if constexpr (std::is_integral_v<T>) {
    put_uint(out, static_cast<uint64_t>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    const double d = static_cast<double>(v);
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    for (int i = 0; i < 8; ++i) out += char(uint8_t(bits >> (8 * i)));
  } else if constexpr (std::is_same_v<T, std::string>) {
    put_uint(out, v.size());
    out += v;
  } else if constexpr (is_vector<T>::value) {
    put_uint(out, v.size());
    if constexpr (std::is_same_v<typename T::value_type, bool>) {
      for (const bool e : v) out += char(e ? 1 : 0);  // std::vector<bool> hands out proxies
    } else {
      for (const auto& e : v) encode(out, e);
    }
  } else if constexpr (is_map<T>::value) {
    put_uint(out, v.size());
    for (const auto& [key, value] : v) {
      encode(out, key);
      encode(out, value);
    }
  } else if constexpr (is_array<T>::value) {
    for (const auto& e : v) encode(out, e);
  } else if constexpr (std::is_aggregate_v<T> && std::is_class_v<T>) {
    reflect::for_each_field(v, [&](const auto& field) { encode(out, field); });
  } else {
    static_assert(always_false<T>, "catalog_blob: a catalogue field of a type the encoder does not know; add it here");
  }
}

// Reads what encode wrote; bytes that end early or run on are an error of the build, reported.
class Reader {
 public:
  Reader(const char* data, std::size_t size) : p_(reinterpret_cast<const uint8_t*>(data)), end_(p_ + size) {}

  uint8_t byte() {
    if (p_ == end_) throw std::runtime_error("catalogue tables end early");
    return *p_++;
  }
  uint64_t uint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = byte();
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("catalogue tables hold a malformed number");
  }
  int64_t sint() {
    const uint64_t u = uint();
    return int64_t(u >> 1) ^ -int64_t(u & 1);
  }
  std::string text() {
    const uint64_t n = uint();
    if (n > uint64_t(end_ - p_)) throw std::runtime_error("catalogue tables end early");
    std::string s(reinterpret_cast<const char*>(p_), std::size_t(n));
    p_ += n;
    return s;
  }
  bool done() const { return p_ == end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

template <typename T>
void decode(Reader& r, T& v) {
  if constexpr (is_derived<T>) {
  } else if constexpr (std::is_same_v<T, bool>) {
    v = r.byte() != 0;
  } else if constexpr (std::is_enum_v<T>) {
    v = static_cast<T>(r.sint());
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    v = static_cast<T>(r.sint());
  } else if constexpr (std::is_integral_v<T>) {
    v = static_cast<T>(r.uint());
  } else if constexpr (std::is_floating_point_v<T>) {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= uint64_t(r.byte()) << (8 * i);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    v = static_cast<T>(d);
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = r.text();
  } else if constexpr (is_vector<T>::value) {
    const uint64_t n = r.uint();
    v.clear();
    v.resize(std::size_t(n));
    if constexpr (std::is_same_v<typename T::value_type, bool>) {
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = r.byte() != 0;  // std::vector<bool> has no bool&
    } else {
      for (auto& e : v) decode(r, e);
    }
  } else if constexpr (is_map<T>::value) {
    const uint64_t n = r.uint();
    v.clear();
    for (uint64_t i = 0; i < n; ++i) {
      typename T::key_type key{};
      typename T::mapped_type value{};
      decode(r, key);
      decode(r, value);
      v.emplace_hint(v.end(), std::move(key), std::move(value));
    }
  } else if constexpr (is_array<T>::value) {
    for (auto& e : v) decode(r, e);
  } else if constexpr (std::is_aggregate_v<T> && std::is_class_v<T>) {
    reflect::for_each_field(v, [&](auto& field) { decode(r, field); });
  } else {
    static_assert(always_false<T>, "catalog_blob: a catalogue field of a type the decoder does not know; add it here");
  }
}

// The catalogue from its bytes, with the derived fields computed.
inline Catalog decode_catalog(const char* data, std::size_t size) {
  Catalog c;
  Reader r(data, size);
  decode(r, c);
  if (!r.done()) throw std::runtime_error("catalogue tables run on past the catalogue");
  for (CatalogModel& m : c.models) complete_catalog_model(m);
  return c;
}

// The device catalogue from its bytes (its devices, then its speed factors), indexed for find.
inline HardwareCatalog decode_hardware(const char* data, std::size_t size) {
  Reader r(data, size);
  std::vector<Device> devices;
  SpeedFactors speed;
  decode(r, devices);
  decode(r, speed);
  if (!r.done()) throw std::runtime_error("device tables run on past the devices");
  return HardwareCatalog(std::move(devices), std::move(speed));
}

// The fitted speed model from its bytes.
inline SpeedModel decode_speed_model(const char* data, std::size_t size) {
  SpeedModel m;
  Reader r(data, size);
  decode(r, m);
  if (!r.done()) throw std::runtime_error("speed model tables run on past the model");
  return m;
}

// Bytes as a C++ string literal named name (printable ASCII as is, the rest in octal).
inline std::string literal(const std::string& name, const std::string& bytes) {
  std::string out = "constexpr char " + name + "[] =\n\"";
  std::size_t line = 0;
  for (const char ch : bytes) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x20 && u < 0x7f && u != '"' && u != '\\' && u != '?') {
      out += ch;
      ++line;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", u);  // octal: a following digit cannot extend it past 3
      out += buf;
      line += 4;
    }
    if (line >= 96) {
      out += "\"\n\"";
      line = 0;
    }
  }
  out += "\";\n";
  return out;
}

// The whole file the WebAssembly build compiles: the bytes as string literals, and
// generated_catalog(), generated_hardware() and generated_speed_model() reading them. The speed
// model is the one the native build fitted on data/calibration.json, so no module fits it at
// start-up.
inline std::string file(const Catalog& c, const HardwareCatalog& h, const SpeedModel& m) {
  std::string catalog_bytes, hardware_bytes, model_bytes;
  encode(catalog_bytes, c);
  encode(hardware_bytes, h.devices);
  encode(hardware_bytes, h.speed);
  encode(model_bytes, m);
  std::string out =
      "// Generated by tools/catalog_tables.cpp from data/*.json (the catalogue the native build parses).\n"
      "// Do not edit: the build writes it again when the data or the catalogue structs change.\n"
      "#include \"catalog_blob.hpp\"\n\n"
      "namespace vramcalc {\nnamespace {\n"
      "// The fields as tools/catalog_blob.hpp encodes them.\n";
  out += literal("kCatalogBytes", catalog_bytes);
  out += literal("kHardwareBytes", hardware_bytes);
  out += literal("kSpeedModelBytes", model_bytes);
  out += "}  // namespace\n\n";
  out += "Catalog generated_catalog() { return catalog_blob::decode_catalog(kCatalogBytes, " + std::to_string(catalog_bytes.size()) + "); }\n";
  out += "HardwareCatalog generated_hardware() { return catalog_blob::decode_hardware(kHardwareBytes, " + std::to_string(hardware_bytes.size()) + "); }\n";
  out += "SpeedModel generated_speed_model() { return catalog_blob::decode_speed_model(kSpeedModelBytes, " + std::to_string(model_bytes.size()) + "); }\n\n";
  out += "}  // namespace vramcalc\n";
  return out;
}

}  // namespace vramcalc::catalog_blob
