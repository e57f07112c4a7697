#pragma once
// The questions people bring with a machine rather than a format: the largest context that fits,
// the best format that fits, the offload sweep, the fit table for a machine and the reasoning
// budget. Every answer is a search over estimate() + plan(): nothing here computes memory itself.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "estimate.hpp"
#include "planner.hpp"

namespace vramcalc {

// A machine: devices (catalogue id x count, or a custom device), system RAM and the CPU row whose
// bandwidth it is read at, and the runtime settings that change memory (runtime, KV type, flash
// attention). The offload mode and llama.cpp's -ngl / --n-cpu-moe are in place.
struct Machine {
  PlanRequest place;
  std::string runtime = "llama.cpp";
  std::string kv_type;             // empty: the runtime's default
  std::optional<bool> flash_attn;  // empty: the runtime's default
};

// An estimate request for a model and format on a machine, at a context.
EstimateRequest request_on(const Machine& m, const std::string& model, const std::string& quant, uint64_t context,
                           uint64_t sequences);

// How many tokens per sequence one step of the runtime's cache adds (llama.cpp pads n_ctx =
// context x sequences to ctx_pad cells; vLLM and SGLang allocate blocks of block_size tokens).
struct Granule {
  uint64_t cells = 1;        // cache cells per step
  uint64_t sequences = 1;
  bool per_sequence_blocks = false;  // paged: each sequence has whole blocks
  // The largest context per sequence whose cache takes k steps.
  uint64_t context_of(uint64_t k) const;
  // The steps a context per sequence takes.
  uint64_t steps_of(uint64_t context) const;
};
Granule granule_of(const Estimate& e);

struct MaxContext {
  std::optional<uint64_t> tokens;  // per sequence; empty: nothing fits, not even one granule
  uint64_t sequences = 1;
  uint64_t model_max = 0;          // the model's trained maximum (the cap)
  uint64_t granule_cells = 0;
  std::string binding;             // "device" | "ram" | "model_max" | "unchecked_ram"
  std::string binding_label;       // "GPU 0", "RAM", "the model's trained maximum"
  std::string explanation;
  uint64_t probes = 0;             // estimate + plan evaluations the search made
  // The placement at the largest context that fits (or at one granule when nothing fits).
  std::optional<Plan> plan_at_max;
  uint64_t total_bytes_at_max = 0;
};

// The largest context per sequence (for base.sequences sequences) that fits the machine, exact to
// the runtime's cache granularity: exponential then binary search over cache steps, capped by the
// model's trained maximum. Throws InputError for bad input (from estimate or plan).
MaxContext max_context(const EstimateRequest& base, const PlanRequest& place);

// Formats a runtime runs: GGUF presets on llama.cpp engines, GPU serving formats on vLLM/SGLang.
bool runtime_runs(const RuntimeProfile& rt, const QuantFormat& q);

struct FormatFit {
  std::string quant;
  double bits_per_weight = 0;  // weights bytes x 8 / parameters (the real file, not the label)
  uint64_t weights_bytes = 0;
  uint64_t total_bytes = 0;
  bool fits = false;
  int64_t headroom_bytes = 0;
};

struct BestFormat {
  std::optional<FormatFit> best;
  std::vector<FormatFit> alternatives;  // the next fitting formats in quality order
  std::vector<FormatFit> formats;       // every format the runtime runs, in quality order
  std::string order = "quality order by bits per weight (more bits per weight first), a proxy for quality";
};

// Of the formats the runtime runs, the one with the most bits per weight that fits at base's context.
BestFormat best_format(const EstimateRequest& base, const PlanRequest& place);

struct SweepPoint {
  uint64_t gpu_layers = 0;      // llama.cpp -ngl
  uint64_t cpu_moe_layers = 0;  // llama.cpp --n-cpu-moe
  std::vector<uint64_t> device_bytes;  // per device
  uint64_t vram_bytes = 0;             // all devices
  uint64_t ram_bytes = 0;
  double decode_tokens_per_s = 0;      // expected, per sequence
  bool fits = false;
};

struct Sweep {
  std::string axis;  // "n_cpu_moe" | "n_gpu_layers"
  std::vector<SweepPoint> points;
  std::optional<size_t> fastest;  // index of the fastest point that fits
};

// --offload experts: each --n-cpu-moe from all experts on the GPUs to all in RAM (the blocks
// without experts add nothing and are skipped); --offload layers: each -ngl from all to none.
Sweep offload_sweep(const EstimateRequest& base, const PlanRequest& place);

struct FitRow {
  std::string model;
  std::string model_name;
  std::string quant;
  std::string runtime;
  double bits_per_weight = 0;
  std::string verdict;  // gpu | gpu_experts_ram | gpu_layers_ram | ram_only | no_fit
  std::string verdict_text;
  Offload offload = Offload::none;
  uint64_t gpu_layers = 0;
  uint64_t cpu_moe_layers = 0;
  std::optional<uint64_t> max_context;
  std::string max_context_binding;
  double decode_tokens_per_s = 0;  // expected, per sequence, at the required context
  uint64_t vram_bytes = 0;
  uint64_t ram_bytes = 0;
  uint64_t params_total = 0;
  std::string reason;
  std::string group = "r1";  // r1: the DeepSeek-R1 family's catalogue; other: the other open models
};

struct FitRequest {
  Machine machine;
  uint64_t context = 16384;  // required context per sequence
  uint64_t sequences = 1;
  double min_tokens_per_s = 10;
  std::vector<std::string> models;  // empty: the whole catalogue (R1 family; other_models adds the rest)
  bool other_models = false;
};

struct FitTable {
  std::vector<FitRow> rows;  // recommendation first, then ranked
  std::optional<size_t> recommendation;
  std::string recommendation_reason;
  std::vector<std::string> rules;
  uint64_t probes = 0;
};

// Every catalogue model x every format the runtime runs on a machine, ranked.
FitTable fit_table(const FitRequest& req);

struct ReasoningRequest {
  uint64_t prompt_tokens = 0;    // 0: the default
  uint64_t thinking_tokens = 0;  // 0: the default for the model
  uint64_t answer_tokens = 0;    // 0: the default
};

struct Reasoning {
  uint64_t prompt_tokens = 0, thinking_tokens = 0, answer_tokens = 0;
  uint64_t context_needed = 0;
  bool fits = false;
  std::optional<uint64_t> max_context;
  uint64_t kv_cache_bytes_at_end = 0;
  uint64_t total_bytes_at_end = 0;
  std::optional<double> prefill_s;     // empty when the runtime's prefill speed is not estimated
  double thinking_s = 0;
  double answer_s = 0;
  double time_to_first_answer_token_s = 0;
  double time_total_s = 0;
  double decode_tokens_per_s_start = 0;
  double decode_tokens_per_s_end = 0;
  std::vector<std::string> assumptions;
};

// Defaults of the budget, with their sources (see solve.cpp).
uint64_t default_thinking_tokens(const ModelArch& a);
inline constexpr uint64_t kDefaultPromptTokens = 1024;
inline constexpr uint64_t kDefaultAnswerTokens = 4096;

Reasoning reasoning_budget(const EstimateRequest& base, const PlanRequest& place, const ReasoningRequest& r);

const char* verdict_text(const std::string& verdict);

}  // namespace vramcalc
