// The catalogue tables the WebAssembly build compiles (tools/catalog_tables.cpp: the fields as
// bytes, tools/catalog_blob.hpp) hold the same catalogue as the data files parsed at run time:
// printed back field by field as C++ source, both are the same text, and estimates from a model the tables completed equal the parsed model's.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "catalog_blob.hpp"
#include "calibration.hpp"
#include "catalog_source.hpp"
#include "hardware.hpp"

using namespace vramcalc;

TEST_CASE("generated catalogue tables equal the parsed data files, field by field") {
  const Catalog generated = generated_catalog();
  const Catalog& parsed = catalog();
  REQUIRE(generated.models.size() == parsed.models.size());
  CHECK(catalog_source::text(generated) == catalog_source::text(parsed));
  // The derived fields, which the printer leaves out, are recomputed by the same code.
  for (size_t i = 0; i < parsed.models.size(); ++i) {
    CAPTURE(parsed.models[i].arch.id);
    CHECK(generated.models[i].params.total == parsed.models[i].params.total);
    CHECK(generated.models[i].params.active == parsed.models[i].params.active);
    CHECK(generated.models[i].tensors_split.size() == parsed.models[i].tensors_split.size());
    CHECK(generated.models[i].groups_legacy.size() == parsed.models[i].groups_legacy.size());
  }
}

TEST_CASE("generated device tables and speed model equal the parsed gpus.json and the fit on calibration.json") {
  const HardwareCatalog generated = generated_hardware();
  const HardwareCatalog& parsed = hardware();
  REQUIRE(generated.devices.size() == parsed.devices.size());
  for (size_t i = 0; i < parsed.devices.size(); ++i) {
    const Device& g = generated.devices[i];
    const Device& p = parsed.devices[i];
    CAPTURE(p.id);
    CHECK(g.id == p.id);
    CHECK(g.name == p.name);
    CHECK(g.vendor == p.vendor);
    CHECK(g.device_class == p.device_class);
    CHECK(g.family == p.family);
    CHECK(g.interconnect == p.interconnect);
    CHECK(g.memory_bytes == p.memory_bytes);
    CHECK(g.usable_bytes == p.usable_bytes);
    CHECK(g.memory_gb == p.memory_gb);
    CHECK(g.bandwidth_gb_per_s == p.bandwidth_gb_per_s);
    CHECK(g.fp16_tflops == p.fp16_tflops);
    CHECK(g.fp8_tflops == p.fp8_tflops);
    CHECK(generated.find(p.id) == &g);  // indexed
  }
  CHECK(generated.speed.gpu_bandwidth_efficiency == parsed.speed.gpu_bandwidth_efficiency);
  CHECK(generated.speed.cpu_bandwidth_efficiency == parsed.speed.cpu_bandwidth_efficiency);
  CHECK(generated.speed.default_host == parsed.speed.default_host);
  // The model is the fit itself, every parameter and spread exact (the JSON text of a double
  // reads back as that double).
  const SpeedModel fitted = fit_speed_model(calibration_rows());
  CHECK(to_json(generated_speed_model()).dump() == to_json(fitted).dump());
  CHECK(generated_speed_model().params == fitted.params);
  CHECK(generated_speed_model().n_rows > 0);
}

TEST_CASE("the printer keeps text and numbers exact") {
  std::string out;
  catalog_source::put(out, std::string("a\"b\\c\n\xc3\xa9" "1"));
  CHECK(out == "\"a\\\"b\\\\c\\012\\303\\2511\"");
  out.clear();
  catalog_source::put(out, 0.1);
  CHECK(std::stod(out) == 0.1);
  out.clear();
  catalog_source::put(out, 3.0);
  CHECK(out == "3.0");
  out.clear();
  CHECK_THROWS(catalog_source::put(out, std::string("a\0b", 3)));
}

TEST_CASE("the catalogue bytes read back exactly, and broken bytes are an error") {
  struct Sample {
    bool b;
    int64_t neg;
    uint64_t big;
    double d;
    std::string s;
    std::vector<int> v;
    std::array<uint32_t, 2> a;
  };
  const Sample in{true, -1234567890123LL, UINT64_MAX, 0.1, std::string("a\0\xff\"z", 5), {-1, 0, 300}, {{7u, 70000u}}};
  std::string bytes;
  catalog_blob::encode(bytes, in);
  Sample out{};
  catalog_blob::Reader r(bytes.data(), bytes.size());
  catalog_blob::decode(r, out);
  CHECK(r.done());
  CHECK(out.b);
  CHECK(out.neg == in.neg);
  CHECK(out.big == in.big);
  CHECK(out.d == 0.1);
  CHECK(out.s == in.s);
  CHECK(out.v == in.v);
  CHECK(out.a == in.a);
  // Cut short anywhere, the reader says so rather than reading past the end.
  for (size_t n = 0; n < bytes.size(); ++n) {
    catalog_blob::Reader cut(bytes.data(), n);
    Sample x{};
    CHECK_THROWS(catalog_blob::decode(cut, x));
  }
  // The whole catalogue: its bytes decode to a catalogue that prints as the parsed one.
  std::string all;
  catalog_blob::encode(all, catalog());
  const Catalog back = catalog_blob::decode_catalog(all.data(), all.size());
  CHECK(catalog_source::text(back) == catalog_source::text(catalog()));
  CHECK_THROWS(catalog_blob::decode_catalog((all + "x").data(), all.size() + 1));
}
