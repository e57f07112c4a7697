// vramcalc --safetensors FILE... [--config FILE] [--json]: reads only the 8-byte length and the
// JSON header of each .safetensors file (and model.safetensors.index.json, if given), never the
// tensor data, and prints the exact parameters and bytes by dtype and by part.
#include "safetensors_cmd.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "safetensors.hpp"

using nlohmann::json;

namespace {

const char* kUsage = R"(usage: vramcalc --safetensors FILE... [--config FILE] [--json]

Reads the headers of .safetensors files (only the first bytes of each) and a
model.safetensors.index.json, and prints the exact parameter count and bytes by dtype, with
quantization scales, the multi-token-prediction layer and the vision tower counted apart.
  --config FILE   the model's config.json: tells MTP layers apart and the bits of packed integers
  --json          one JSON object
)";

int fail(const std::string& message, bool as_json) {
  if (as_json) std::cout << json{{"error", {{"code", "invalid_argument"}, {"field", "safetensors"}, {"message", message}}}}.dump() << "\n";
  std::cerr << "vramcalc: " << message << "\n";
  return 2;
}

bool read_text(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string gb(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%10.2f GB  %10.2f GiB", double(bytes) / 1e9, double(bytes) / double(1ull << 30));
  return buf;
}

}  // namespace

int run_safetensors_command(int argc, char** argv) {
  json req = {{"files", json::array()}};
  bool as_json = false;
  std::vector<std::string> paths;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") as_json = true;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" || a == "--safetensors") continue;
    if (a == "--help" || a == "-h") { std::cout << kUsage; return 0; }
    if (a == "--config") {
      if (i + 1 >= argc) return fail("--config needs a value", as_json);
      config_path = argv[++i];
      continue;
    }
    if (a.rfind("--", 0) == 0) return fail("unknown argument \"" + a + "\" with --safetensors (see --safetensors --help)", as_json);
    paths.push_back(a);
  }
  if (paths.empty()) return fail("--safetensors needs at least one .safetensors file or model.safetensors.index.json", as_json);
  if (!config_path.empty()) {
    std::string text;
    if (!read_text(config_path, text)) return fail("cannot read config file \"" + config_path + "\"", as_json);
    const json c = json::parse(text, nullptr, false);
    if (c.is_discarded()) return fail(config_path + ": config.json is not valid JSON", as_json);
    req["config"] = c;
  }
  for (const std::string& p : paths) {
    const std::string name = base_name(p);
    std::ifstream f(p, std::ios::binary | std::ios::ate);
    if (!f) return fail("cannot read \"" + p + "\"", as_json);
    const uint64_t size = uint64_t(f.tellg());
    f.seekg(0);
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
      std::string text;
      read_text(p, text);
      req["index"] = text;
      continue;
    }
    // The 8-byte little-endian header length, then only the header.
    unsigned char prefix[8] = {0};
    f.read(reinterpret_cast<char*>(prefix), 8);
    if (f.gcount() < 8) return fail(name + ": the file is too short for a safetensors header (" + std::to_string(f.gcount()) + " bytes)", as_json);
    uint64_t n = 0;
    for (int b = 7; b >= 0; --b) n = (n << 8) | prefix[b];
    std::string header;
    if (n <= vramcalc::kSafetensorsMaxHeader) {
      header.resize(size_t(std::min<uint64_t>(n, size - 8)));
      f.read(header.data(), std::streamsize(header.size()));
      header.resize(size_t(f.gcount()));
    }
    req["files"].push_back({{"name", name}, {"size", size}, {"header_length", n}, {"header", header}});
  }
  const json out = vramcalc::safetensors_summary_json(req);
  if (out.contains("error")) {
    if (as_json) std::cout << out.dump() << "\n";
    std::cerr << "vramcalc: " << out["error"]["message"].get<std::string>() << "\n";
    return 2;
  }
  if (as_json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "safetensors: " << out["files"].size() << " file(s), " << out["tensors"].get<uint64_t>() << " tensors, "
            << out["format"].get<std::string>() << "\n";
  std::cout << "  parameters: " << out["params"].get<uint64_t>() << " (language model)";
  if (out["params_mtp"].get<uint64_t>()) std::cout << ", " << out["params_mtp"].get<uint64_t>() << " MTP";
  if (out["params_vision"].get<uint64_t>()) std::cout << ", " << out["params_vision"].get<uint64_t>() << " vision";
  std::cout << "\n\n";
  for (const json& p : out["parts"]) {
    std::printf("  %-56s %s\n", p["label"].get<std::string>().c_str(), gb(p["bytes"].get<uint64_t>()).c_str());
  }
  std::printf("  %-56s %s\n\n", "Total", gb(out["bytes"].get<uint64_t>()).c_str());
  for (const json& d : out["by_dtype"]) {
    std::printf("  %-8s %8llu tensors %16llu values  %s\n", d["dtype"].get<std::string>().c_str(),
                static_cast<unsigned long long>(d["tensors"].get<uint64_t>()),
                static_cast<unsigned long long>(d["params"].get<uint64_t>()), gb(d["bytes"].get<uint64_t>()).c_str());
  }
  for (const json& n : out["notes"]) std::cout << "  note: " << n.get<std::string>() << "\n";
  return 0;
}
