#include "commands.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace vramcalc {

namespace embedded {
extern const char* const runtime_flags_json;
}

using nlohmann::json;

const LaunchFlag* Launcher::find(const std::string& setting) const {
  for (const LaunchFlag& f : flags) {
    if (f.setting == setting) return &f;
  }
  return nullptr;
}

std::vector<Launcher> parse_launchers(const std::string& json_text) {
  const json j = json::parse(json_text);
  std::vector<Launcher> out;
  for (const json& l : j.at("launchers")) {
    Launcher x;
    x.id = l.at("id").get<std::string>();
    x.runtimes = l.at("runtimes").get<std::vector<std::string>>();
    x.program = l.at("program").get<std::string>();
    x.docs = l.value("docs", std::string());
    for (const json& f : l.at("flags")) {
      x.flags.push_back({f.at("setting").get<std::string>(), f.at("flag").get<std::string>(), f.value("doc", std::string())});
    }
    if (l.contains("tags")) {
      for (const auto& [k, v] : l["tags"].at("models").items()) x.ollama_models.emplace_back(k, v.get<std::string>());
      for (const auto& [k, v] : l["tags"].at("quants").items()) x.ollama_quants.emplace_back(k, v.get<std::string>());
    }
    out.push_back(std::move(x));
  }
  return out;
}

const std::vector<Launcher>& launchers() {
  static const std::vector<Launcher> l = parse_launchers(embedded::runtime_flags_json);
  return l;
}

namespace {

// A decimal without trailing zeros (0.9, 0.88).
std::string decimal(double v) {
  std::string s = std::to_string(std::round(v * 1000.0) / 1000.0);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string repo_name(const Estimate& e) {
  const std::string repo = e.catalog_model ? e.catalog_model->hf_repo : std::string();
  if (repo.empty()) return e.arch->name.empty() ? "model" : e.arch->name;
  const size_t slash = repo.rfind('/');
  return slash == std::string::npos ? repo : repo.substr(slash + 1);
}

std::string lookup(const std::vector<std::pair<std::string, std::string>>& v, const std::string& k) {
  for (const auto& [a, b] : v) {
    if (a == k) return b;
  }
  return "";
}

struct Line {
  const Launcher& l;
  std::string text;
  // Every flag of the setting (llama-server's -ctk and -ctv both take the KV type).
  void add(const std::string& setting, const std::string& value) {
    for (const LaunchFlag& f : l.flags) {
      if (f.setting == setting) text += " " + f.flag + " " + value;
    }
  }
  // A switch: the flag alone.
  void on(const std::string& setting) {
    if (const LaunchFlag* f = l.find(setting)) text += " " + f->flag;
  }
};

// llama.cpp's --override-tensor pattern that keeps the routed experts of the first n layers in
// RAM (what --n-cpu-moe n does): exps=CPU when that is every layer.
std::string experts_in_ram_pattern(uint64_t n, uint64_t n_layer) {
  if (n >= n_layer) return "exps=CPU";
  std::string layers;
  for (uint64_t i = 0; i < n; ++i) layers += (i ? "|" : "") + std::to_string(i);
  return "\"blk\\.(" + layers + ")\\.ffn_.*_exps=CPU\"";
}

// The flags both llama-servers take alike: the file, the whole cache and its slots, the layers on
// the GPU.
void llama_start(Line& line, const Estimate& e, const Plan& p) {
  line.add("model_file", repo_name(e) + "-" + e.quant->name + ".gguf");
  line.add("n_ctx", std::to_string(e.context * e.sequences));
  if (e.sequences > 1) line.add("sequences", std::to_string(e.sequences));
  line.add("gpu_layers", std::to_string(p.gpu_layers));
}

// The KV type, an equal --tensor-split over several devices, and the notes on -m and -c.
LaunchCommand llama_finish(Line& line, const Estimate& e, const Plan& p, const std::string& file_note) {
  line.add("kv_type", e.kv_type->name);
  if (p.devices.size() > 1) {
    std::string split;
    for (size_t i = 0; i < p.devices.size(); ++i) split += (i ? ",1" : "1");
    line.add("tensor_split", split);
  }
  LaunchCommand c;
  c.command = line.text;
  c.notes.push_back(file_note);
  c.notes.push_back("-c is the whole cache: " + std::to_string(e.context) + " tokens x " + std::to_string(e.sequences) +
                    " sequence(s)");
  return c;
}

LaunchCommand llama_server(const Launcher& l, const Estimate& e, const Plan& p) {
  Line line{l, l.program};
  llama_start(line, e, p);
  if (p.offload == Offload::experts) line.add("cpu_moe_layers", std::to_string(p.cpu_moe_layers));
  line.add("flash_attn", e.flash_attn ? "on" : "off");
  return llama_finish(line, e, p, "-m: the path of your GGUF file (for a split file, its first part)");
}

// ik_llama.cpp's llama-server: llama.cpp's flags, -ot for the experts, and its own MLA, attention
// batch and fused-MoE flags as the runtime profile assumes them.
LaunchCommand ik_llama_server(const Launcher& l, const Estimate& e, const Plan& p) {
  Line line{l, l.program};
  const ModelArch& a = *e.arch;
  llama_start(line, e, p);
  if (p.offload == Offload::experts) line.add("experts_cpu", experts_in_ram_pattern(p.cpu_moe_layers, a.n_layer));
  if (a.attention == AttentionKind::MLA) line.add("mla", e.runtime->mla_cache == MlaCache::latent_kv ? "1" : "3");
  if (e.flash_attn) line.on("flash_attn");
  if (a.attention == AttentionKind::MLA && e.runtime->attn_max_batch_bytes) {
    line.add("attn_max_batch", std::to_string(e.runtime->attn_max_batch_bytes >> 20));
  }
  if (a.is_moe()) line.on("fused_moe");
  return llama_finish(line, e, p, "llama-server as ik_llama.cpp builds it; -m: the path of your GGUF file (for a split file, its first part)");
}

// KTransformers' server (balance_serve backend): the GPU runs attention and the shared parts,
// the routed experts stay in RAM.
LaunchCommand ktransformers(const Launcher& l, const Estimate& e, const Plan&) {
  LaunchCommand c;
  Line line{l, l.program};
  const std::string repo = e.catalog_model && !e.catalog_model->hf_repo.empty() ? e.catalog_model->hf_repo : "path/to/model";
  line.add("hf_repo", repo);
  line.add("gguf_path", "path/to/" + repo_name(e) + "-" + e.quant->name + "/");
  line.add("context", std::to_string(e.context * e.sequences));
  line.add("sequences", std::to_string(e.sequences));
  line.add("backend", "balance_serve");
  c.command = line.text;
  c.notes.push_back("--gguf_path: the folder of your GGUF file(s); --model_path gives config.json and the tokenizer");
  c.notes.push_back("--cache_lens is the whole cache: " + std::to_string(e.context) + " tokens x " +
                    std::to_string(e.sequences) + " request(s)");
  c.notes.push_back("add --cpu_infer with the CPU threads for the experts, and --optimize_config_path with the model's rule file");
  return c;
}

LaunchCommand ollama(const Launcher& l, const Estimate& e, const Plan&) {
  LaunchCommand c;
  std::string env;
  auto var = [&](const std::string& setting, const std::string& value) {
    const LaunchFlag* f = l.find(setting);
    if (f) env += f->flag + "=" + value + " ";
  };
  var("context", std::to_string(e.context));
  if (e.sequences > 1) var("sequences", std::to_string(e.sequences));
  if (e.flash_attn) var("flash_attn", "1");
  if (e.kv_type->name != "f16") var("kv_type", e.kv_type->name);
  const LaunchFlag* serve = l.find("serve");
  const LaunchFlag* run = l.find("tag");
  const std::string stem = e.catalog_model ? lookup(l.ollama_models, e.arch->id) : std::string();
  const std::string suffix = lookup(l.ollama_quants, e.quant->name);
  c.command = env + l.program + " " + (serve ? serve->flag : "serve") + "\n";
  if (!stem.empty() && !suffix.empty()) {
    c.command += l.program + " " + (run ? run->flag : "run") + " deepseek-r1:" + stem + "-" + suffix;
  } else {
    c.command += l.program + " " + (run ? run->flag : "run") + " " + repo_name(e) + "-" + e.quant->name;
    c.notes.push_back("Ollama's library has no tag for " + e.arch->name + " at " + e.quant->name +
                      ": create it first from the GGUF file (a Modelfile with the line FROM ./" + repo_name(e) + "-" +
                      e.quant->name + ".gguf, then ollama create " + repo_name(e) + "-" + e.quant->name + ")");
  }
  c.notes.push_back("Ollama places the layers itself; it sets the context for every model the server loads");
  return c;
}

LaunchCommand paged(const Launcher& l, const Estimate& e, const Plan& p) {
  LaunchCommand c;
  const std::string repo = e.catalog_model && !e.catalog_model->hf_repo.empty() ? e.catalog_model->hf_repo : "path/to/model";
  Line line{l, l.program};
  line.add("hf_repo", repo);
  if (p.layout.tp > 1) line.add("tp", std::to_string(p.layout.tp));
  if (p.layout.pp > 1) line.add("pp", std::to_string(p.layout.pp));
  line.add("context", std::to_string(e.context));
  line.add("memory_fraction", decimal(e.runtime->memory_fraction));
  if (e.kv_type->name == "fp8") line.add("kv_type", l.id == "sglang" ? "fp8_e4m3" : "fp8");
  if (e.sequences > 1) line.add("sequences", std::to_string(e.sequences));
  const std::string q = e.quant->name;
  if (q == "BF16") line.add("dtype", "bfloat16");
  else if (q == "FP16") line.add("dtype", "float16");
  else if (q == "FP32") line.add("dtype", "float32");
  else if (q == "FP8") line.add("quantization", "fp8");
  if (q == "INT4" || q == "INT8") {
    c.notes.push_back("use an " + q + " (AWQ/GPTQ) checkpoint of the model in place of " + repo);
  }
  if (q == "FP8-block" && e.arch->family == "distill") {
    c.notes.push_back("FP8-block is how DeepSeek ships R1; a distill needs an FP8 checkpoint made with 128x128 blocks");
  }
  c.command = line.text;
  return c;
}

}  // namespace

std::vector<LaunchCommand> launch_commands(const Estimate& e, const Plan& p) {
  std::vector<LaunchCommand> out;
  for (const Launcher& l : launchers()) {
    bool match = false;
    for (const std::string& r : l.runtimes) match = match || r == e.runtime->id;
    if (!match) continue;
    LaunchCommand c = l.id == "llama-server"      ? llama_server(l, e, p)
                      : l.id == "ik-llama-server" ? ik_llama_server(l, e, p)
                      : l.id == "ktransformers"   ? ktransformers(l, e, p)
                      : l.id == "ollama"          ? ollama(l, e, p)
                                                  : paged(l, e, p);
    c.runtime = e.runtime->id;
    c.launcher = l.id;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace vramcalc
