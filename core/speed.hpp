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

// One decode step's time split by what the fitted efficiencies and fixed costs apply to: seconds
// at peak bandwidth on the GPUs and in RAM, and the counts the per-token fixed costs scale with.
struct SpeedTerms {
  std::string gpu_kind;      // nvidia | amd | apple | intel | "" (no GPU)
  std::string placement;     // gpu | hybrid | cpu | cpu2 (CPU only on two or more sockets)
  std::string family;        // runtime family: llama.cpp | ik_llama.cpp | ktransformers | vllm
  std::string gpu_family;    // the device's family ("GeForce RTX 40", "Apple M1"): a correction per family
  double t_gpu = 0;          // s per step reading weights at peak GPU bandwidth
  double t_gpu_kv = 0;       // s per step reading the KV cache at peak GPU bandwidth
  double t_ram = 0;          // s per step at peak RAM bandwidth
  double gpu_layers = 0;     // blocks (and the output layer) run on GPUs
  double cpu_layers = 0;     // blocks whose work runs on the CPU
  double handoffs = 0;       // device-to-device hand-offs per token (layer split, GPU <-> CPU)
};

struct SpeedModel;  // calibration.hpp

struct Speed {
  double decode_per_sequence = 0;   // tokens/s, upper bound
  double decode_aggregate = 0;
  double decode_expected_per_sequence = 0;
  double decode_expected_aggregate = 0;
  double prefill = 0;               // tokens/s from peak compute (an estimate, tests/test_speed_accuracy.cpp); 0 when unknown
  double step_ms = 0;               // one decode step, upper bound
  double weights_read_per_token = 0;  // one sequence
  double kv_read_per_token = 0;       // one sequence at the context
  double weights_read_per_step = 0;   // all sequences (union of the experts they route to)
  bool compute_bound = false;
  std::vector<std::string> assumptions;
  // The expected decode speed's terms (speed model of calibration.hpp) and how well it did on
  // similar measured setups.
  SpeedTerms terms;
  std::string group;          // similar setups: "<device kind>/<placement>/<runtime family>"
  std::string group_label;    // the same in words
  uint64_t similar_n = 0;     // calibration rows in the group (0: none measured)
  double similar_lo = 0;      // measured / expected, lowest and highest in the group
  double similar_hi = 0;
  std::string model_version;  // which fit of data/calibration.json produced the expected figure
};

// What one device (or system RAM) reads per decode step: weights that every token reads, routed
// experts (all of them, scaled by the routed fraction at read time), KV bytes per cached token.
struct SpeedSlot {
  double read_fixed = 0;
  double read_routed = 0;
  double kv_row = 0;
  double layers = 0;   // blocks run here (the output layer counts as one)
};

struct SpeedInputs {
  std::vector<SpeedSlot> gpus;  // in the order the layout runs them (stages of tp ranks)
  SpeedSlot host;               // system RAM
  uint64_t tp = 1;              // tensor-parallel ranks per stage (paged engines)
  bool paged = false;           // vLLM/SGLang: ranks of a stage in parallel; else llama.cpp's layer split
  bool texts = true;            // the assumptions as sentences (a solver's probes leave them out)
};

// Share of a layer's routed experts that `tokens` tokens decoded together read (uniform routing).
double routed_fraction(const ModelArch& a, uint64_t tokens);

// Decode and prefill of a placement on device d (count of them), with RAM-resident weights read
// at host_bw GB/s from `host`. With a speed model the expected decode speed is its prediction;
// without one (fitting the model itself) only the bounds and terms are filled in.
Speed speed_of(const Estimate& e, const SpeedInputs& in, const Device& d, const Device& host, double host_bw,
               uint64_t count, const SpeedModel* model);

nlohmann::json to_json(const Speed& s);

}  // namespace vramcalc
