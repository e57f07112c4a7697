#pragma once
// Shared helpers for the core's tests.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "estimate.hpp"

namespace testing {

inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
inline constexpr double kMiB = 1024.0 * 1024.0;

// An estimate of a catalogue model.
inline vramcalc::Estimate run(const std::string& model, const std::string& quant, uint64_t context = 4096,
                              const std::string& runtime = "llama.cpp", uint64_t sequences = 1) {
  vramcalc::EstimateRequest r;
  r.model = model;
  r.quant = quant;
  r.context = context;
  r.runtime = runtime;
  r.sequences = sequences;
  return vramcalc::estimate(r);
}

// An estimate at Q4_K_M on a runtime, with an optional KV type ("" = the runtime's) and
// flash attention setting.
inline vramcalc::Estimate run_on(const std::string& model, const std::string& runtime, uint64_t context,
                                 uint64_t sequences, bool flash_attn, const std::string& kv_type = "") {
  vramcalc::EstimateRequest r;
  r.model = model;
  r.quant = "Q4_K_M";
  r.runtime = runtime;
  r.context = context;
  r.sequences = sequences;
  r.kv_type = kv_type;
  r.flash_attn = flash_attn;
  return vramcalc::estimate(r);
}

// The error object the API returns for a request.
inline nlohmann::json error_of(const nlohmann::json& request) {
  const nlohmann::json out = vramcalc::estimate_json_value(request);
  return out.contains("error") ? out["error"] : nlohmann::json();
}

}  // namespace testing
