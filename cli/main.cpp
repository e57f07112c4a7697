// vramcalc: the command-line face of the estimation core. It turns its arguments into the same
// JSON request the page sends, so both print the same numbers.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "calibration.hpp"
#include "cost_cmd.hpp"
#include "gguf_cmd.hpp"
#include "catalog_other.hpp"
#include "gguf.hpp"
#include "solve_api.hpp"
#include "solve_cmd.hpp"
#include "safetensors_cmd.hpp"
#include "text.hpp"

using nlohmann::json;

namespace {

const char* kUsage = R"(usage: vramcalc --model ID | --config FILE  [options]
       vramcalc --list-models | --list-quants | --list-runtimes | --list-gpus
       vramcalc cost | route | monitor [options]   (see vramcalc cost --help)

Estimates the memory a large language model needs: weights, KV cache, compute buffers and
runtime overhead, from the model's architecture.

  --model ID          a catalog model (see --list-models), e.g. deepseek-r1
  --config FILE       a Hugging Face config.json instead of a catalog model
  --gguf FILE...      a GGUF file, or every shard of a split one (NAME-00001-of-0000N.gguf ...):
                      architecture and exact weights from their headers (tensor data is not read)
  --safetensors FILE...  parameters and bytes by dtype from .safetensors headers and
                      model.safetensors.index.json (see --safetensors --help)
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
                      it changes Q4_0/Q5_0/IQ3_XXS/IQ4_XS's choices; IQ1/IQ2 presets need one
  --mix SPEC          a custom per-group mix over the --quant preset, e.g.
                      'token_embd=Q4_K,output=Q6_K,attn=Q4_K,ffn=Q6_K,shexp=Q6_K,exps=IQ1_S,
                       exps.down=Q2_K,exps.down@0-2=Q3_K'
                      SPEC: GROUP[@FIRST-LAST]=TYPE,... with GROUP one of token_embd, output,
                      attn, ffn (dense layers' FFN; ffn.gate_up, ffn.down), shexp (shared
                      experts; shexp.gate_up, shexp.down), exps (routed experts; exps.gate_up,
                      exps.down); TYPE a ggml type (Q4_K, Q6_K, Q8_0, IQ1_S, IQ2_XXS, F16, ...);
                      @FIRST-LAST limits an entry to those layers. The most specific entry
                      wins (a range over none, exps.down over exps), then the last one;
                      tensors no entry names keep the --quant preset's rules

Hardware (adds a placement plan and speed estimates):
  --gpu ID            a catalog device (see --list-gpus), e.g. rtx-4090, h100-sxm, m3-ultra-512gb;
                      a CPU row (e.g. cpu-ddr5-4800-12ch) runs everything from RAM
  --custom-gpu MEM_GB:BW_GBPS
                      a device of MEM_GB memory (GPU makers' GB, i.e. GiB) and BW_GBPS GB/s
  --gpus N            how many of them (default 1; for a CPU row: sockets)
  --offload MODE      llama.cpp/Ollama: none (default), layers (-ngl: as many layers as fit on
                      the GPUs, the rest in RAM) or experts (MoE routed experts in RAM, as
                      -ot exps=CPU / --n-cpu-moe; attention, shared experts and KV on the GPUs)
  --gpu-layers N      with --offload layers: llama.cpp -ngl N (n_layer + 1 = everything)
  --cpu-moe-layers N  with --offload experts: llama.cpp --n-cpu-moe N, the experts of the first
                      N layers in RAM (default: the fewest that make the rest fit)
  --ram-gb N          system RAM, to check what is offloaded fits
  --host ID           CPU row whose bandwidth offloaded weights are read at
                      (default cpu-ddr5-5600-2ch)
  --host-sockets N    sockets of that CPU reading RAM-resident weights (default 1)
  --compare-runtimes  the same model and format on every runtime that runs it: KV cache,
                      buffers, total, fit and expected speed (JSON: compare_runtimes)
  --speed-fit         print the speed model fitted on data/calibration.json and its errors
  --suggest-gpu [ID]  add the smallest single GPU that fits and the smallest count of a
                      datacenter GPU (ID, default h100-sxm)
Speeds are upper bounds (peak bandwidth and compute), with an 'expected' figure at measured
sustained bandwidth; the assumptions are printed with them.

  --json              print one JSON object (exact byte counts) instead of a table
  --help              this text

Bad input exits with status 2 and one line naming the field.
)";

int fail(const std::string& field, const std::string& message, bool as_json) {
  if (as_json) {
    std::cout << vramcalc::error_json("invalid_argument", field, message).dump() << "\n";
  }
  std::cerr << "vramcalc: " << vramcalc::valid_utf8(message) << "\n";
  return 2;
}

std::string gb(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%10.2f GB  %10.2f GiB", double(bytes) / 1e9, double(bytes) / double(1ull << 30));
  return buf;
}

void print_part(const json& d) {
  std::string layers = d["layers"].get<uint64_t>() == 0 ? std::string("no blocks")
                                                        : "blocks " + std::to_string(d["layer_first"].get<int64_t>()) + "-" +
                                                              std::to_string(d["layer_last"].get<int64_t>());
  if (d["output_layer"].get<bool>()) layers += " + output";
  if (d["input_layer"].get<bool>()) layers += " + embedding";
  std::printf("  %-26s %s\n", d["label"].get<std::string>().c_str(), layers.c_str());
  auto row = [](const char* label, uint64_t v) { if (v) std::printf("    %-36s %s\n", label, gb(v).c_str()); };
  row("weights", d["weights_bytes"].get<uint64_t>());
  row("  of which replicated", d["weights_replicated_bytes"].get<uint64_t>());
  row(d["kv_replicated"].get<bool>() ? "KV cache (whole, replicated)" : "KV cache", d["kv_cache_bytes"].get<uint64_t>());
  row("compute buffer / activations", d["compute_buffer_bytes"].get<uint64_t>());
  row("CUDA graphs", d["cuda_graph_bytes"].get<uint64_t>());
  row("CUDA context / non-torch", d["runtime_reserved_bytes"].get<uint64_t>());
  row("output buffer (logits)", d["output_buffer_bytes"].get<uint64_t>());
  row("total", d["total_bytes"].get<uint64_t>());
  if (!d["budget_bytes"].is_null()) {
    const int64_t h = d["headroom_bytes"].get<int64_t>();
    std::printf("    %-36s %s  %s\n", "budget", gb(d["budget_bytes"].get<uint64_t>()).c_str(),
                h >= 0 ? ("fits, " + gb(uint64_t(h)) + " free").c_str() : ("SHORT by " + gb(uint64_t(-h))).c_str());
  }
}

void print_plan(const json& p, const json& s) {
  std::cout << "\nPlan: " << p["device"]["name"].get<std::string>() << " x " << p["count"].get<uint64_t>() << ", "
            << p["layout"]["description"].get<std::string>() << ", offload " << p["offload"]["mode"].get<std::string>() << "\n";
  std::cout << "  verdict: " << (p["fits"].get<bool>() ? "fits" : "does not fit");
  const int64_t h = p["headroom_bytes"].get<int64_t>();
  std::cout << (h >= 0 ? ", least headroom " + gb(uint64_t(h)) : ", short by " + gb(uint64_t(-h))) << "\n";
  for (const json& d : p["devices"]) print_part(d);
  if (p["host"]["total_bytes"].get<uint64_t>() > 0) print_part(p["host"]);
  std::printf("  %-26s %s\n", "RAM needed", gb(p["ram_needed_bytes"].get<uint64_t>()).c_str());
  for (const json& x : p["split"]) std::cout << "  split: " << x.get<std::string>() << "\n";
  for (const json& x : p["replicated"]) std::cout << "  on each device: " << x.get<std::string>() << "\n";
  for (const json& x : p["notes"]) std::cout << "  note: " << x.get<std::string>() << "\n";
  std::cout << "  minimum of this device: "
            << (p["minimum"].is_null() ? std::string("none") : p["minimum"]["description"].get<std::string>()) << " ("
            << p["minimum_reason"].get<std::string>() << ")\n";
  // Tokens per second with the digits that matter: a slow device shows "0.034", not "0.0".
  auto tps = [](const json& v) {
    if (v.is_null()) return std::string("n/a");
    const double x = v.get<double>();
    if (x < 0.001) return std::string("less than 0.001");
    char buf[32];
    std::snprintf(buf, sizeof buf, x >= 10 ? "%.1f" : x >= 1 ? "%.2f" : x >= 0.1 ? "%.3f" : x >= 0.01 ? "%.4f" : "%.5f", x);
    return std::string(buf);
  };
  std::cout << "\nSpeed (upper bound; expected: fitted on published measurements):\n";
  std::cout << "  decode per sequence: " << tps(s["decode_tokens_per_s_per_sequence"]) << " tokens/s (expected "
            << tps(s["decode_expected_tokens_per_s_per_sequence"]) << ")\n";
  std::cout << "  decode aggregate:    " << tps(s["decode_tokens_per_s_aggregate"]) << " tokens/s (expected "
            << tps(s["decode_expected_tokens_per_s_aggregate"]) << ")\n";
  std::cout << "  prefill:             " << tps(s["prefill_tokens_per_s"]) << " tokens/s\n";
  std::cout << "  read per token: " << gb(s["weights_read_per_token_bytes"].get<uint64_t>()) << " of weights, "
            << gb(s["kv_read_per_token_bytes"].get<uint64_t>()) << " of KV cache\n";
  std::cout << "  " << s["similar_setups"]["text"].get<std::string>() << "\n";
  for (const json& x : s["assumptions"]) std::cout << "  - " << x.get<std::string>() << "\n";
}

void print_compare(const json& rows) {
  std::cout << "\nRuntimes side by side:\n";
  std::printf("  %-18s %10s %10s %10s %-12s %s\n", "runtime", "KV cache", "buffers", "total", "fit", "expected decode");
  for (const json& r : rows) {
    if (r.contains("error")) {
      std::printf("  %-18s %s\n", r["runtime"].get<std::string>().c_str(), r["error"]["message"].get<std::string>().c_str());
      continue;
    }
    const std::string fit = r["fits"].is_null() ? "no device" : r["fits"].get<bool>() ? "fits" : "does not fit";
    const std::string sp = r["decode_expected_tokens_per_s"].is_null() ? std::string("-")
                           : std::to_string(r["decode_expected_tokens_per_s"].get<double>()).substr(0, std::to_string(r["decode_expected_tokens_per_s"].get<double>()).find('.') + 2) + " tokens/s";
    std::printf("  %-18s %10s %10s %10s %-12s %s\n", r["runtime"].get<std::string>().c_str(), gb(r["kv_cache_bytes"].get<uint64_t>()).c_str(),
                gb(r["buffers_bytes"].get<uint64_t>()).c_str(), gb(r["total_bytes"].get<uint64_t>()).c_str(), fit.c_str(), sp.c_str());
  }
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
  if (r.contains("plan")) print_plan(r["plan"], r["speed"]);
  if (r.contains("compare_runtimes")) print_compare(r["compare_runtimes"]);
  if (r.contains("suggested_gpu")) {
    const json& s = r["suggested_gpu"];
    std::cout << "\nSuggested hardware:\n";
    std::cout << "  smallest single GPU: " << (s["single"].is_null() ? std::string("none holds it") : s["single"]["name"].get<std::string>()) << "\n";
    if (!s["apple"].is_null()) std::cout << "  smallest Apple unified memory: " << s["apple"]["name"].get<std::string>() << "\n";
    if (!s["multi"].is_null()) {
      std::cout << "  " << s["multi"]["name"].get<std::string>() << ": "
                << (s["multi"]["layout"].is_null() ? std::string("does not fit") : s["multi"]["layout"]["description"].get<std::string>()) << "\n";
    }
  }
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
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--safetensors") return run_safetensors_command(argc, argv);
  }
  json req = json::object();
  int first = 1;
  if (argc > 1 && (std::string(argv[1]) == "fit" || std::string(argv[1]) == "reasoning")) {
    req["solve"] = argv[1];
    first = 2;
  }
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
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string v;
    auto need = [&](const char* field) -> int {
      if (!value(i, arg, v)) return fail(field, arg + " needs a value", as_json);
      return 0;
    };
    if (arg == "--json") continue;
    if (arg == "--help" || arg == "-h") { std::cout << kUsage << kSolveUsage; return 0; }
    if (arg == "--list-models" || arg == "--list-quants" || arg == "--list-runtimes") { list = arg.substr(7); continue; }
    if (arg == "--list-gpus") { list = "devices"; continue; }
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
    else if (arg == "--gguf") {
      // Every file up to the next option: one GGUF, or all the shards of a split one.
      std::vector<std::string> paths;
      while (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) paths.push_back(argv[++i]);
      if (paths.empty()) return fail("gguf", "--gguf needs a file (or every shard of a split file)", as_json);
      const json summary = read_gguf_files(paths);
      if (summary.contains("error")) return fail("gguf", summary["error"]["message"].get<std::string>(), as_json);
      req["gguf"] = summary;
    }
    else if (arg == "--quant") { if ((rc = need("quant"))) return rc; req["quant"] = v; }
    else if (arg == "--mix") { if ((rc = need("mix"))) return rc; req["mix"] = v; }
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
    else if (arg == "--gpu") { if ((rc = need("gpu"))) return rc; req["gpu"] = v; }
    else if (arg == "--gpus") { if ((rc = need("gpus"))) return rc; req["gpus"] = v; }
    else if (arg == "--offload") {
      if ((rc = need("offload"))) return rc;
      if (v != "none" && v != "layers" && v != "experts") return fail("offload", "--offload takes none, layers or experts (got \"" + v + "\")", as_json);
      req["offload"] = v;
    }
    else if (arg == "--gpu-layers") { if ((rc = need("gpu_layers"))) return rc; req["gpu_layers"] = v; }
    else if (arg == "--cpu-moe-layers") { if ((rc = need("cpu_moe_layers"))) return rc; req["cpu_moe_layers"] = v; }
    else if (arg == "--ram-gb") { if ((rc = need("ram_gb"))) return rc; req["ram_gb"] = v; }
    else if (arg == "--host") { if ((rc = need("host"))) return rc; req["host"] = v; }
    else if (arg == "--host-sockets") { if ((rc = need("host_sockets"))) return rc; req["host_sockets"] = v; }
    else if (arg == "--compare-runtimes") { req["compare_runtimes"] = true; }
    else if (arg == "--speed-fit") { std::cout << vramcalc::to_json(vramcalc::speed_model()).dump(2) << "\n"; return 0; }
    else if (arg == "--custom-gpu") {
      if ((rc = need("custom_gpu"))) return rc;
      const size_t colon = v.find(':');
      if (colon == std::string::npos) return fail("custom_gpu", "--custom-gpu takes MEM_GB:BW_GBPS, e.g. 24:1008 (got \"" + v + "\")", as_json);
      req["custom_gpu"] = {{"memory_gb", v.substr(0, colon)}, {"bandwidth_gb_per_s", v.substr(colon + 1)}};
    }
    else if (arg == "--suggest-gpu") {
      if (i + 1 < argc && argv[i + 1][0] != '-') req["suggest_gpu"] = std::string(argv[++i]);
      else req["suggest_gpu"] = true;
    }
    else if (const int solved = parse_solve_flag(i, argc, argv, req, as_json)) { if (solved == 2) return 2; }
    else return fail("argument", "unknown argument \"" + arg + "\" (see --help)", as_json);
  }

  if (!list.empty()) {
    const json c = vramcalc::catalog_json();
    if (list == "catalog") { std::cout << c.dump() << "\n"; return 0; }
    const json& items = c[list];
    if (as_json) { std::cout << items.dump(2) << "\n"; return 0; }
    if (list == "models") std::printf("DeepSeek-R1 family:\n");
    // Devices: grouped as the page's picker groups them (class, then family), in catalogue order.
    std::vector<const json*> order;
    for (const json& it : items) order.push_back(&it);
    if (list == "devices") {
      const std::vector<std::string> classes = {"consumer", "laptop", "workstation", "datacenter", "apple", "unified", "cpu"};
      auto rank = [&](const json* j) {
        const auto at = std::find(classes.begin(), classes.end(), (*j)["class"].get<std::string>());
        return at - classes.begin();
      };
      std::stable_sort(order.begin(), order.end(), [&](const json* x, const json* y) { return rank(x) < rank(y); });
    }
    std::string group;
    bool first = true;
    for (const json* p : order) {
      const json& it = *p;
      if (list == "devices" && it.value("family", "") != group) {
        group = it.value("family", "");
        std::printf("%s-- %s\n", first ? "" : "\n", group.c_str());
        first = false;
      }
      if (list == "models") {
        std::printf("%-32s %-34s %s\n", it["id"].get<std::string>().c_str(), it["name"].get<std::string>().c_str(),
                    it["family"] == "full" ? "671B MoE (full R1)"
                    : it["family"] == "v3" ? "671B MoE (V3, R1's architecture)"
                                           : ("dense, " + it["params_official"].get<std::string>()).c_str());
      } else if (list == "devices") {
        const std::string mem = it["memory_bytes"].is_null() ? std::string("system RAM")
                                                             : std::to_string(int(it["memory_gb"].get<double>())) + " GB";
        std::printf("%-24s %-52s %-11s %s  %8.1f GB/s\n", it["id"].get<std::string>().c_str(), it["name"].get<std::string>().c_str(),
                    it["class"].get<std::string>().c_str(), mem.c_str(), it["bandwidth_gb_per_s"].get<double>());
      } else if (list == "quants") {
        std::printf("%-10s %-5s %-4s %s\n", it["name"].get<std::string>().c_str(), it["kind"].get<std::string>().c_str(),
                    it["group"].get<std::string>().c_str(), it["description"].get<std::string>().c_str());
      } else {
        std::printf("%-18s %s\n", it["id"].get<std::string>().c_str(), it["describes"].get<std::string>().c_str());
      }
    }
    if (list == "models") {
      std::printf("\nOther open models:\n");
      // The parsed catalogue is kept in a local: a range over a temporary's member would read
      // freed memory.
      const json other = json::parse(vramcalc::other_models_json_text());
      for (const json& it : other["models"]) {
        std::printf("%-32s %-34s %s%s\n", it["id"].get<std::string>().c_str(), it["name"].get<std::string>().c_str(),
                    it["moe"].get<bool>() ? "MoE, " : "dense, ", it["params_official"].get<std::string>().c_str());
      }
    }
    return 0;
  }
  if (req.value("solve", "") != "fit" && !req.contains("model") && !req.contains("config_text") && !req.contains("gguf")) {
    return fail("model", "give --model ID, --config FILE or --gguf FILE (see --help)", as_json);
  }
  // The same text the WebAssembly module returns; parsed only for the readable table.
  const bool solver = vramcalc::wants_solver(req);
  // Arguments and files can hold any bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
  const std::string request_text = req.dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string text = solver ? vramcalc::solve_json(request_text) : vramcalc::estimate_json(request_text);
  const json result = json::parse(text);
  if (result.contains("error")) {
    const json& e = result["error"];
    if (as_json) std::cout << text << "\n";
    // Point at the listing that has the right names.
    const std::string code = e["code"].get<std::string>();
    const char* hint = code == "unknown_model" ? " (see --list-models)" : code == "unknown_quant" ? " (see --list-quants)"
                       : code == "unknown_gpu" ? " (see --list-gpus)" : "";
    std::cerr << "vramcalc: " << e["message"].get<std::string>() << hint << "\n";
    return 2;
  }
  if (as_json) std::cout << text << "\n";
  else if (solver && solve_prints_alone(req)) print_solve(req, result);
  else {
    print_table(result);
    if (solver) print_solve(req, result);
  }
  return 0;
}
