#pragma once
// Launch commands for a plan: llama-server (llama.cpp and ik_llama.cpp), Ollama, vllm serve,
// SGLang and KTransformers, with the flags of data/runtime_flags.json (each with the
// documentation it comes from) and the estimate's values.
#include <string>
#include <vector>

#include "estimate.hpp"
#include "planner.hpp"

namespace vramcalc {

struct LaunchFlag {
  std::string setting;  // what the estimate decides: n_ctx, gpu_layers, kv_type, ...
  std::string flag;     // how the runtime spells it
  std::string doc;
};

struct Launcher {
  std::string id;                     // llama-server | ik-llama-server | ollama | vllm | sglang | ktransformers
  std::vector<std::string> runtimes;  // runtime profiles it starts
  std::string program;
  std::string docs;
  std::vector<LaunchFlag> flags;
  std::vector<std::pair<std::string, std::string>> ollama_models;  // catalogue id -> tag stem
  std::vector<std::pair<std::string, std::string>> ollama_quants;  // preset -> tag suffix
  const LaunchFlag* find(const std::string& setting) const;
};

// The launchers of the embedded data/runtime_flags.json (parsed on first use).
const std::vector<Launcher>& launchers();
std::vector<Launcher> parse_launchers(const std::string& json_text);

struct LaunchCommand {
  std::string runtime;   // the estimate's runtime id
  std::string launcher;  // a Launcher id
  std::string command;   // one or more lines
  std::vector<std::string> notes;
};

// The command that starts the estimate's runtime with the plan's settings; empty when the plan's
// runtime has no launcher.
std::vector<LaunchCommand> launch_commands(const Estimate& e, const Plan& p);

}  // namespace vramcalc
