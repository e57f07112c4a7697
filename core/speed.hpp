#pragma once
// Speed of a placement: upper bounds on decode and prefill from memory bandwidth and compute, and
// the expected decode speed at the sustained share of that bandwidth.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "estimate.hpp"
#include "hardware.hpp"

namespace vramcalc {

struct Speed {
  double decode_per_sequence = 0;   // tokens/s, upper bound
  double decode_aggregate = 0;
  double decode_expected_per_sequence = 0;
  double decode_expected_aggregate = 0;
  double prefill = 0;               // tokens/s, upper bound; 0 when unknown
  double step_ms = 0;               // one decode step, upper bound
  double weights_read_per_token = 0;  // one sequence
  double kv_read_per_token = 0;       // one sequence at the context
  double weights_read_per_step = 0;   // all sequences (union of the experts they route to)
  bool compute_bound = false;
  std::vector<std::string> assumptions;
};

// What one device (or system RAM) reads per decode step: weights that every token reads, routed
// experts (all of them, scaled by the routed fraction at read time), KV bytes per cached token.
struct SpeedSlot {
  double read_fixed = 0;
  double read_routed = 0;
  double kv_row = 0;
};

struct SpeedInputs {
  std::vector<SpeedSlot> gpus;  // in the order the layout runs them (stages of tp ranks)
  SpeedSlot host;               // system RAM
  uint64_t tp = 1;              // tensor-parallel ranks per stage (paged engines)
  bool paged = false;           // vLLM/SGLang: ranks of a stage in parallel; else llama.cpp's layer split
};

// Share of a layer's routed experts that `tokens` tokens decoded together read (uniform routing).
double routed_fraction(const ModelArch& a, uint64_t tokens);

// Decode and prefill of a placement on device d (count of them), with RAM-resident weights read
// at host_bw GB/s from `host`.
Speed speed_of(const Estimate& e, const SpeedInputs& in, const Device& d, const Device& host, double host_bw,
               uint64_t count);

nlohmann::json to_json(const Speed& s);

}  // namespace vramcalc
