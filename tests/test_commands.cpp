// Launch commands: every flag a generated command uses is listed in data/runtime_flags.json for
// its runtime (read here from the file itself, with its documentation), and every value equals
// the setting of the estimate and plan it was made from.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "helpers.hpp"
#include "planner.hpp"

using nlohmann::json;
using vramcalc::Offload;

namespace {

json flags_file() {
  std::ifstream f(std::string(VRAMCALC_SOURCE_DIR) + "/data/runtime_flags.json");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str());
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct Setup {
  const char* model;
  const char* quant;
  const char* runtime;
  const char* gpu;
  uint64_t count;
  Offload offload;
  uint64_t context;
  uint64_t sequences;
  const char* kv;
};

}  // namespace

TEST_CASE("the flags file documents every flag and names a setting for it") {
  const json j = flags_file();
  REQUIRE(j.at("launchers").size() >= 4);
  for (const json& l : j["launchers"]) {
    CAPTURE(l["id"].get<std::string>());
    CHECK_FALSE(l.at("docs").get<std::string>().empty());
    CHECK_FALSE(l.at("runtimes").empty());
    for (const json& f : l.at("flags")) {
      CHECK_FALSE(f.at("flag").get<std::string>().empty());
      CHECK_FALSE(f.at("setting").get<std::string>().empty());
      CHECK(f.at("doc").get<std::string>().size() > 10);
    }
  }
  // Every runtime of the catalogue has a launcher.
  for (const auto& rt : vramcalc::catalog().runtimes) {
    CAPTURE(rt.id);
    bool found = false;
    for (const json& l : j["launchers"]) {
      for (const json& r : l["runtimes"]) found = found || r == rt.id;
    }
    CHECK(found);
  }
}

TEST_CASE("generated commands use only listed flags, with the estimate's values") {
  const json file = flags_file();
  const Setup setups[] = {
      {"deepseek-r1-distill-qwen-7b", "Q4_K_M", "llama.cpp", "rtx-4090", 1, Offload::none, 16384, 1, ""},
      {"deepseek-r1-distill-llama-70b", "Q4_K_M", "llama.cpp", "rtx-4090", 2, Offload::none, 8192, 2, "q8_0"},
      {"deepseek-r1-distill-llama-70b", "Q8_0", "llama.cpp", "rtx-4090", 1, Offload::layers, 4096, 1, ""},
      {"deepseek-r1", "Q2_K", "llama.cpp", "rtx-4090", 2, Offload::experts, 16384, 1, ""},
      {"deepseek-r1", "Q4_K_M", "llama.cpp-2025", "h100-sxm", 8, Offload::none, 32768, 4, "q4_0"},
      {"deepseek-r1-distill-qwen-1.5b", "Q8_0", "ollama", "rtx-3060-12gb", 1, Offload::none, 8192, 1, ""},
      {"deepseek-r1-distill-qwen-14b", "Q3_K_M", "ollama", "rtx-3060-12gb", 1, Offload::none, 4096, 2, "q8_0"},
      {"deepseek-r1", "FP8-block", "vllm", "h100-sxm", 16, Offload::none, 32768, 1, ""},
      {"deepseek-r1-distill-qwen-32b", "BF16", "vllm", "a100-80gb-sxm", 2, Offload::none, 16384, 8, "fp8"},
      {"deepseek-r1-distill-qwen-7b", "FP8", "vllm", "l40s", 1, Offload::none, 8192, 1, ""},
      {"deepseek-r1", "FP8-block", "sglang", "h200", 8, Offload::none, 65536, 4, "fp8"},
  };
  for (const Setup& s : setups) {
    CAPTURE(s.model);
    CAPTURE(s.runtime);
    vramcalc::EstimateRequest r;
    r.model = s.model;
    r.quant = s.quant;
    r.runtime = s.runtime;
    r.context = s.context;
    r.sequences = s.sequences;
    r.kv_type = s.kv;
    if (std::string(s.runtime) == "ollama" && std::string(s.kv) == "q8_0") r.flash_attn = true;
    const vramcalc::Estimate e = vramcalc::estimate(r);
    vramcalc::PlanRequest p;
    p.gpu = s.gpu;
    p.count = s.count;
    p.offload = s.offload;
    p.ram_bytes = uint64_t(512) << 30;
    const vramcalc::Plan pl = vramcalc::plan(e, p);
    const auto cmds = vramcalc::launch_commands(e, pl);
    REQUIRE(cmds.size() == 1);
    const vramcalc::LaunchCommand& c = cmds.front();
    CAPTURE(c.command);
    const json* launcher = nullptr;
    for (const json& l : file["launchers"]) {
      if (l["id"] == c.launcher) launcher = &l;
    }
    REQUIRE(launcher);
    std::map<std::string, std::string> setting_of;  // flag -> setting
    for (const json& f : (*launcher)["flags"]) setting_of[f["flag"].get<std::string>()] = f["setting"].get<std::string>();
    // What each setting must be, from the estimate and the plan.
    const std::string kv = e.kv_type->name;
    std::map<std::string, std::string> want = {
        {"n_ctx", std::to_string(s.context * s.sequences)},
        {"context", std::to_string(s.context)},
        {"sequences", std::to_string(s.sequences)},
        {"gpu_layers", std::to_string(pl.gpu_layers)},
        {"cpu_moe_layers", std::to_string(pl.cpu_moe_layers)},
        {"tp", std::to_string(pl.layout.tp)},
        {"pp", std::to_string(pl.layout.pp)},
        {"memory_fraction", std::string(s.runtime) == "vllm" ? "0.9" : "0.88"},
        {"hf_repo", vramcalc::catalog().find_model(s.model)->hf_repo},
    };
    std::map<std::string, int> seen;
    std::string program = (*launcher)["program"].get<std::string>();
    for (const std::string& line : lines(c.command)) {
      std::vector<std::string> w = words(line);
      size_t i = 0;
      if (c.launcher == "ollama") {
        // KEY=VALUE variables, then "ollama serve" or "ollama run TAG".
        for (; i < w.size() && w[i].find('=') != std::string::npos; ++i) {
          const std::string key = w[i].substr(0, w[i].find('=')), value = w[i].substr(w[i].find('=') + 1);
          CAPTURE(key);
          REQUIRE(setting_of.count(key));
          const std::string& setting = setting_of[key];
          ++seen[setting];
          if (setting == "flash_attn") CHECK((value == "1" && e.flash_attn));
          else if (setting == "kv_type") CHECK(value == kv);
          else CHECK(value == want[setting]);
        }
        REQUIRE(i < w.size());
        CHECK(w[i] == program);
        REQUIRE(i + 1 < w.size());
        CHECK(setting_of.count(w[i + 1]));
        if (w[i + 1] == "run") {
          REQUIRE(i + 2 < w.size());
          const std::string tag = w[i + 2];
          // A library tag names the model's size and the format (ollama.com/library/deepseek-r1/tags).
          if (tag.rfind("deepseek-r1:", 0) == 0) {
            CHECK(tag.find(std::string(s.quant) == "Q8_0" ? "q8_0" : "q4_K_M") != std::string::npos);
          } else {
            CHECK_FALSE(c.notes.empty());  // how to create it from the GGUF
          }
        }
        continue;
      }
      // program words, then flag value pairs
      for (const std::string& pw : words(program)) {
        REQUIRE(i < w.size());
        CHECK(w[i++] == pw);
      }
      while (i < w.size()) {
        const std::string flag = w[i];
        CAPTURE(flag);
        REQUIRE(setting_of.count(flag));
        REQUIRE(i + 1 < w.size());
        const std::string value = w[i + 1];
        const std::string& setting = setting_of[flag];
        ++seen[setting];
        if (setting == "flash_attn") CHECK(value == (e.flash_attn ? "on" : "off"));
        else if (setting == "kv_type") CHECK(value == (kv == "fp8" ? (c.launcher == "sglang" ? "fp8_e4m3" : "fp8") : kv));
        else if (setting == "tensor_split") CHECK(std::count(value.begin(), value.end(), ',') + 1 == int64_t(pl.devices.size()));
        else if (setting == "model_file") CHECK(value.find(std::string(s.quant) + ".gguf") != std::string::npos);
        else if (setting == "dtype") CHECK((std::string(s.quant) == "BF16" && value == "bfloat16"));
        else if (setting == "quantization") CHECK((std::string(s.quant) == "FP8" && value == "fp8"));
        else CHECK(value == want[setting]);
        i += 2;
      }
    }
    // The settings that change memory are always stated.
    if (c.launcher == "llama-server") {
      CHECK(seen["n_ctx"] == 1);
      CHECK(seen["gpu_layers"] == 1);
      CHECK(seen["kv_type"] == 2);
      CHECK(seen["flash_attn"] == 1);
      CHECK(seen["cpu_moe_layers"] == (s.offload == Offload::experts ? 1 : 0));
      CHECK(seen["sequences"] == (s.sequences > 1 ? 1 : 0));
    } else if (c.launcher == "ollama") {
      CHECK(seen["context"] == 1);
    } else {
      CHECK(seen["context"] == 1);
      CHECK(seen["memory_fraction"] == 1);
      CHECK(seen["tp"] == (pl.layout.tp > 1 ? 1 : 0));
      CHECK(seen["pp"] == (pl.layout.pp > 1 ? 1 : 0));
    }
  }
}
