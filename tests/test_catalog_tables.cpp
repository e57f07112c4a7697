// The catalogue tables the WebAssembly build compiles (tools/catalog_tables.cpp) hold the same
// catalogue as the data files parsed at run time: printed back field by field, both are the same
// text, and estimates from a model the tables completed equal the parsed model's.
#include <doctest/doctest.h>

#include "catalog_source.hpp"

using namespace vramcalc;

TEST_CASE("generated catalogue tables equal the parsed data files, field by field") {
  const Catalog generated = generated_catalog();
  const Catalog& parsed = catalog();
  REQUIRE(generated.models.size() == parsed.models.size());
  CHECK(catalog_source::file(generated) == catalog_source::file(parsed));
  // The derived fields, which the printer leaves out, are recomputed by the same code.
  for (size_t i = 0; i < parsed.models.size(); ++i) {
    CAPTURE(parsed.models[i].arch.id);
    CHECK(generated.models[i].params.total == parsed.models[i].params.total);
    CHECK(generated.models[i].params.active == parsed.models[i].params.active);
    CHECK(generated.models[i].tensors_split.size() == parsed.models[i].tensors_split.size());
    CHECK(generated.models[i].groups_legacy.size() == parsed.models[i].groups_legacy.size());
  }
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
