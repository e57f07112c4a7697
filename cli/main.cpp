// vramcalc: the command-line face of the estimation core. It turns its arguments into the same
// JSON request the page sends, so both print the same numbers.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "cost_cmd.hpp"

using nlohmann::json;

namespace {

const char* kUsage = R"(usage: vramcalc --model ID | --config FILE  [options]
       vramcalc --list-models | --list-quants | --list-runtimes
       vramcalc cost | route | monitor [options]   (see vramcalc cost --help)

Estimates the memory a large language model needs: weights, KV cache, compute buffers and
runtime overhead, from the model's architecture.

  --model ID          a catalog model (see --list-models), e.g. deepseek-r1
  --config FILE       a Hugging Face config.json instead of a catalog model
  --quant NAME        GGUF preset (Q4_K_M, Q8_0, ...) or GPU format (BF16, FP8, INT4, ...)
                      default: Q4_K_M
  --context N         tokens of context per sequence (default: 4096)
  --sequences N       sequences served at once, each with the full context (default: 1)
  --kv-type T         KV cache type: f16, bf16, q8_0, q4_0 (llama.cpp), bf16, fp8 (vLLM)
                      default: the runtime's (f16 for llama.cpp, bf16 for vLLM)
  --runtime R         llama.cpp (default), llama.cpp-2025, llama.cpp-legacy, ollama, vllm, sglang
  --flash-attn on|off flash attention (default: the runtime's: on for llama.cpp)
  --ubatch N          llama.cpp micro-batch size (default: 512)
  --imatrix on|off    the GGUF was quantized with an importance matrix (default: off);
                      it changes Q4_0/Q5_0/IQ4_XS's choice for the first ffn_down layers
  --json              print one JSON object (exact byte counts) instead of a table
  --help              this text

Bad input exits with status 2 and one line naming the field.
)";

int fail(const std::string& field, const std::string& message, bool as_json) {
  if (as_json) {
    std::cout << vramcalc::error_json("invalid_argument", field, message).dump() << "\n";
  }
  std::cerr << "vramcalc: " << message << "\n";
  return 2;
}

std::string gb(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%10.2f GB  %10.2f GiB", double(bytes) / 1e9, double(bytes) / double(1ull << 30));
  return buf;
}

void print_table(const json& r) {
  const json& m = r["model"];
  std::cout << m["name"].get<std::string>() << "  (" << m["attention"].get<std::string>()
            << (m["moe"].get<bool>() ? ", mixture of experts" : ", dense") << ")\n";
  std::cout << "  parameters: " << r["params_total"].get<uint64_t>() << " total, " << r["params_active"].get<uint64_t>()
            << " active per token\n";
  std::cout << "  " << r["quant"]["name"].get<std::string>() << " on " << r["runtime"]["name"].get<std::string>()
            << ", context " << r["context"].get<uint64_t>() << " x " << r["sequences"].get<uint64_t>()
            << " sequence(s), KV " << r["kv_type"].get<std::string>() << "\n\n";
  for (const json& p : r["breakdown"]) {
    std::printf("  %-38s %s\n", p["label"].get<std::string>().c_str(), gb(p["bytes"].get<uint64_t>()).c_str());
  }
  std::printf("  %-38s %s\n", "Total", gb(r["total_bytes"].get<uint64_t>()).c_str());
  if (r["gpu_memory_needed_bytes"] != r["total_bytes"]) {
    std::printf("  %-38s %s\n", "GPU memory at the runtime's fraction", gb(r["gpu_memory_needed_bytes"].get<uint64_t>()).c_str());
  }
  std::cout << "\n";
  std::printf("  %-38s %s\n", "Naive params x bits / 8", gb(r["naive_weights_bytes"].get<uint64_t>()).c_str());
  if (!r["file_bytes"].is_null()) std::printf("  %-38s %s\n", "GGUF file", gb(r["file_bytes"].get<uint64_t>()).c_str());
  std::cout << "  bits per weight: " << r["bits_per_weight"].get<double>() << "\n";
  std::cout << "  KV cache per token: " << r["kv_bytes_per_token"].get<uint64_t>() << " bytes\n\nAssumptions:\n";
  for (const auto& [k, v] : r["assumptions"].items()) std::cout << "  " << k << ": " << v.get<std::string>() << "\n";
  if (!r["warnings"].empty()) {
    std::cout << "\nWarnings:\n";
    for (const json& w : r["warnings"]) std::cout << "  - " << w.get<std::string>() << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    const std::string sub = argv[1];
    if (sub == "cost" || sub == "route" || sub == "monitor") return run_cost_command(argc, argv);
  }
  json req = json::object();
  bool as_json = false;
  std::string list;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--json") as_json = true;
  }
  auto value = [&](int& i, const std::string& flag, std::string& out) -> bool {
    if (i + 1 >= argc) return false;
    out = argv[++i];
    (void)flag;
    return true;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string v;
    auto need = [&](const char* field) -> int {
      if (!value(i, arg, v)) return fail(field, arg + " needs a value", as_json);
      return 0;
    };
    if (arg == "--json") continue;
    if (arg == "--help" || arg == "-h") { std::cout << kUsage; return 0; }
    if (arg == "--list-models" || arg == "--list-quants" || arg == "--list-runtimes") { list = arg.substr(7); continue; }
    if (arg == "--catalog-json") { list = "catalog"; continue; }
    int rc = 0;
    if (arg == "--model") { if ((rc = need("model"))) return rc; req["model"] = v; }
    else if (arg == "--config") {
      if ((rc = need("config"))) return rc;
      std::ifstream f(v, std::ios::binary);
      if (!f) return fail("config", "cannot read config file \"" + v + "\"", as_json);
      std::stringstream ss;
      ss << f.rdbuf();
      req["config_text"] = ss.str();
    }
    else if (arg == "--quant") { if ((rc = need("quant"))) return rc; req["quant"] = v; }
    else if (arg == "--context") { if ((rc = need("context"))) return rc; req["context"] = v; }
    else if (arg == "--sequences") { if ((rc = need("sequences"))) return rc; req["sequences"] = v; }
    else if (arg == "--kv-type") { if ((rc = need("kv_type"))) return rc; req["kv_type"] = v; }
    else if (arg == "--runtime") { if ((rc = need("runtime"))) return rc; req["runtime"] = v; }
    else if (arg == "--ubatch") { if ((rc = need("ubatch"))) return rc; req["ubatch"] = v; }
    else if (arg == "--imatrix") {
      if ((rc = need("imatrix"))) return rc;
      if (v != "on" && v != "off") return fail("imatrix", "--imatrix takes on or off (got \"" + v + "\")", as_json);
      req["imatrix"] = v;
    }
    else if (arg == "--flash-attn") {
      if ((rc = need("flash_attn"))) return rc;
      if (v != "on" && v != "off" && v != "auto") return fail("flash_attn", "--flash-attn takes on, off or auto (got \"" + v + "\")", as_json);
      req["flash_attn"] = v;
    }
    else return fail("argument", "unknown argument \"" + arg + "\" (see --help)", as_json);
  }

  if (!list.empty()) {
    const json c = vramcalc::catalog_json();
    if (list == "catalog") { std::cout << c.dump() << "\n"; return 0; }
    const json& items = c[list];
    if (as_json) { std::cout << items.dump(2) << "\n"; return 0; }
    for (const json& it : items) {
      if (list == "models") {
        std::printf("%-32s %-34s %s\n", it["id"].get<std::string>().c_str(), it["name"].get<std::string>().c_str(),
                    it["family"] == "full" ? "671B MoE (full R1)" : ("dense, " + it["params_official"].get<std::string>()).c_str());
      } else if (list == "quants") {
        std::printf("%-10s %-5s %s\n", it["name"].get<std::string>().c_str(), it["kind"].get<std::string>().c_str(),
                    it["description"].get<std::string>().c_str());
      } else {
        std::printf("%-18s %s\n", it["id"].get<std::string>().c_str(), it["describes"].get<std::string>().c_str());
      }
    }
    return 0;
  }
  if (!req.contains("model") && !req.contains("config_text")) {
    return fail("model", "give --model ID or --config FILE (see --help)", as_json);
  }
  const json result = vramcalc::estimate_json_value(req);
  if (result.contains("error")) {
    const json& e = result["error"];
    if (as_json) std::cout << result.dump() << "\n";
    std::cerr << "vramcalc: " << e["message"].get<std::string>() << "\n";
    return 2;
  }
  if (as_json) std::cout << result.dump() << "\n";
  else print_table(result);
  return 0;
}
