// The catalogue beyond the R1 family (data/models_other.json): every model's parameter count from
// its config against the published count the row cites, the R1 family kept apart, and estimates
// of these models through the API.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "catalog.hpp"
#include "catalog_other.hpp"

using nlohmann::json;
using namespace vramcalc;

namespace {
json data_file() {
  std::ifstream f(std::string(VRAMCALC_SOURCE_DIR) + "/data/models_other.json");
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str());
}
}  // namespace

TEST_CASE("the other models' parameter counts match the published counts their rows cite") {
  // Exact counts (from a Hugging Face safetensors total) must match exactly; counts published to
  // two or three figures within the last figure's rounding (0.5% for "355B", 1T within 3%).
  const json d = data_file();
  REQUIRE(other_models().size() == d["models"].size());
  double worst = 0;
  for (const OtherModel& m : other_models()) {
    CAPTURE(m.arch.id);
    uint64_t computed = m.params.total;
    if (m.published_includes_vision) computed += m.arch.params_vision;
    if (m.published_includes_mtp) computed += m.params_mtp;
    const double rel = std::fabs(double(computed) - m.params_published) / m.params_published;
    MESSAGE(m.arch.id << ": " << double(computed) / 1e9 << "B computed, " << m.params_published / 1e9 << "B published");
    const bool exact = m.params_published == std::floor(m.params_published) && m.params_published > 1e9 &&
                       std::fmod(m.params_published, 1e6) != 0;
    if (exact) {
      CHECK(double(computed) == m.params_published);
    } else {
      CHECK(rel <= (m.params_published >= 9.9e11 ? 0.03 : 0.01));
    }
    worst = std::max(worst, rel);
    if (m.params_active_published > 0) {
      CHECK(std::fabs(double(m.params.active) - m.params_active_published) / m.params_active_published <= 0.1);
    }
  }
  MESSAGE("largest difference from a published count: " << worst * 100 << "%");
}

TEST_CASE("the other models have sources, unique ids apart from the R1 family's, and load only with the extras") {
  const json d = data_file();
  std::set<std::string> ids;
  for (const CatalogModel& m : catalog().models) ids.insert(m.arch.id);
  for (const json& m : d["models"]) {
    CAPTURE(m["id"].get<std::string>());
    CHECK(m["params_source"].get<std::string>().size() > 10);
    CHECK(m["config_source"].get<std::string>().size() > 10);
    CHECK(ids.insert(m["id"].get<std::string>()).second);
  }
  CHECK(d["models"].size() >= 30);
  // The first-result catalogue lists the R1 family only (R1, its distills, and V3, whose
  // architecture R1 shares).
  for (const CatalogModel& m : catalog().models) {
    CHECK((m.arch.family == "full" || m.arch.family == "distill" || m.arch.family == "v3"));
  }
  // Through the full estimate (the extras module and the CLI) an other model's id works ...
  const json out = estimate_json_value({{"model", "gemma-3-27b"}, {"quant", "Q4_K_M"}, {"context", 8192}});
  REQUIRE_FALSE(out.contains("error"));
  CHECK(out["model"]["family"] == "other");
  CHECK(out["params_vision"].get<uint64_t>() > 0);
  // ... and the first-result module, which leaves the other catalogue out, says it does not know it.
  const json small = json::parse(estimate_json_without_hardware(R"({"model": "gemma-3-27b"})"));
  CHECK(small["error"]["code"] == "unknown_model");
  // The listing the page and the fit table use.
  const json list = json::parse(other_models_json_text());
  CHECK(list["models"].size() == d["models"].size());
  CHECK(list["models"][0].contains("params_total"));
}
