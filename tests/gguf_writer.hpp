#pragma once
// A minimal GGUF writer for the tests (ggml docs/gguf.md layout, little-endian): key/values and
// tensor infos, written field by field.
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>

namespace testing {

class GgufWriter {
 public:
  template <typename T>
  void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
  }
  void str(const std::string& s) {
    put<uint64_t>(s.size());
    out += s;
  }
  void kv_u16(const std::string& k, uint16_t v) { str(k); put<uint32_t>(2); put<uint16_t>(v); }
  void kv_u32(const std::string& k, uint32_t v) { str(k); put<uint32_t>(4); put<uint32_t>(v); }
  void kv_i32(const std::string& k, int32_t v) { str(k); put<uint32_t>(5); put<int32_t>(v); }
  void kv_f32(const std::string& k, float v) { str(k); put<uint32_t>(6); put<float>(v); }
  void kv_str(const std::string& k, const std::string& v) { str(k); put<uint32_t>(8); str(v); }
  void kv_str_array(const std::string& k, uint64_t n) {
    str(k);
    put<uint32_t>(9);
    put<uint32_t>(8);
    put<uint64_t>(n);
    for (uint64_t i = 0; i < n; ++i) str("tok" + std::to_string(i));
  }
  void header(uint64_t n_tensors, uint64_t n_kv) {
    out += "GGUF";
    put<uint32_t>(3);
    put<uint64_t>(n_tensors);
    put<uint64_t>(n_kv);
  }
  // A tensor info: name, dimensions, ggml type id, offset in the data section.
  void tensor(const std::string& name, std::initializer_list<uint64_t> ne, uint32_t type, uint64_t offset) {
    str(name);
    put<uint32_t>(uint32_t(ne.size()));
    for (uint64_t n : ne) put<uint64_t>(n);
    put<uint32_t>(type);
    put<uint64_t>(offset);
  }
  std::string out;
};

}  // namespace testing
