#pragma once
// One model and format on every runtime that can run it, side by side: KV cache, buffers,
// total, fit on the chosen machine and the expected decode speed, each runtime as its profile in
// data/runtimes.json describes it.
#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "estimate.hpp"
#include "planner.hpp"

namespace vramcalc {

// GGUF formats run on the llama.cpp-engine profiles (llama.cpp, ik_llama.cpp, KTransformers,
// Ollama), GPU formats on vLLM and SGLang. A runtime that refuses the setting (a KV type it does
// not have, a device it does not run on) gets an "error" object instead of figures. The KV cache
// type is each runtime's default unless the request's type is one it offers.
nlohmann::json compare_runtimes(const EstimateRequest& r, const std::optional<PlanRequest>& p);

}  // namespace vramcalc
