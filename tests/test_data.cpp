// Internal consistency of data/*.json: every fact has a source and every layout adds up.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {
json load(const char* name) {
  std::ifstream f(std::string(VRAMCALC_SOURCE_DIR) + "/data/" + name);
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str());
}
}  // namespace

TEST_CASE("each GGUF type's block layout sums to its type size") {
  const json q = load("quant_formats.json");
  for (const json& t : q["ggml_types"]) {
    CAPTURE(t["name"].get<std::string>());
    uint64_t sum = 0;
    for (const json& f : t["layout"]) sum += f["bytes"].get<uint64_t>();
    CHECK(sum == t["type_size"].get<uint64_t>());
    CHECK_FALSE(t["source"].get<std::string>().empty());
  }
}

TEST_CASE("every model, format and runtime names its source") {
  const json models = load("models.json");
  for (const json& m : models["models"]) {
    CAPTURE(m["id"].get<std::string>());
    CHECK_FALSE(m["config_source"].get<std::string>().empty());
    CHECK_FALSE(m["params_source"].get<std::string>().empty());
  }
  const json formats = load("quant_formats.json");
  for (const json& p : formats["gguf_presets"]) CHECK_FALSE(p["source"].get<std::string>().empty());
  for (const json& g : formats["gpu_formats"]) CHECK_FALSE(g["source"].get<std::string>().empty());
  const json runtimes = load("runtimes.json");
  for (const json& r : runtimes["runtimes"]) {
    CAPTURE(r["id"].get<std::string>());
    CHECK(r["sources"].size() >= 2);
  }
}

TEST_CASE("the catalogue holds the R1 family (R1, R1-0528, R1-Zero, V3 siblings) and the seven distills with unique ids") {
  std::set<std::string> ids;
  int distills = 0;
  const json models = load("models.json");
  for (const json& m : models["models"]) {
    ids.insert(m["id"].get<std::string>());
    distills += m["family"] == "distill";
  }
  CHECK(ids.size() == models["models"].size());
  CHECK(distills == 7);
  for (const char* id : {"deepseek-r1", "deepseek-r1-zero", "deepseek-r1-0528", "deepseek-v3", "deepseek-v3-0324", "deepseek-v3.1",
                         "deepseek-r1-0528-qwen3-8b"}) {
    CAPTURE(id);
    CHECK(ids.count(id) == 1);
  }
}

TEST_CASE("GPU rows have positive memory and bandwidth, CPU rows derive bandwidth from channels") {
  const json g = load("gpus.json");
  std::set<std::string> ids;
  for (const json& d : g["devices"]) {
    CAPTURE(d["id"].get<std::string>());
    ids.insert(d["id"].get<std::string>());
    CHECK(d["bandwidth_gb_per_s"].get<double>() > 0);
    CHECK_FALSE(d["source"].get<std::string>().empty());
    if (d["class"] == "cpu") {
      const double bw = d["channels"].get<double>() * 8.0 * d["mt_per_s"].get<double>() / 1000.0;
      CHECK(d["bandwidth_gb_per_s"].get<double>() == doctest::Approx(bw));
    } else {
      CHECK(d["memory_bytes"].get<uint64_t>() > 0);
      CHECK(d["usable_bytes"].get<uint64_t>() <= d["memory_bytes"].get<uint64_t>() + (1ull << 30));
    }
  }
  CHECK(ids.size() == g["devices"].size());
  CHECK(ids.size() >= 30);
}
