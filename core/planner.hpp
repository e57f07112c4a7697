#pragma once
// Placement: where an estimate's bytes go on a device x count (what is split across devices, what
// is replicated on each), the smallest count a runtime accepts, partial offload to system RAM; the
// speed of the placement comes from speed.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "estimate.hpp"
#include "hardware.hpp"
#include "speed.hpp"

namespace vramcalc {

enum class Offload : uint8_t { none, layers, experts };
const char* offload_name(Offload o);

struct PlanRequest {
  std::string gpu;                  // catalog device id (ignored when custom is set)
  std::optional<Device> custom;     // custom_gpu: memory and bandwidth
  uint64_t count = 1;               // devices (for a CPU row: sockets)
  Offload offload = Offload::none;  // llama.cpp engine only
  std::optional<uint64_t> gpu_layers;      // llama.cpp -ngl (0 .. n_layer + 1); empty: as many as fit
  std::optional<uint64_t> cpu_moe_layers;  // llama.cpp --n-cpu-moe; empty with experts: all MoE layers
  std::optional<uint64_t> ram_bytes;       // system RAM; empty: report what is needed
  std::string host;                        // CPU row for the RAM bandwidth; empty: the catalogue default
  uint64_t host_sockets = 1;               // sockets of that CPU row reading RAM-resident weights in parallel
};

inline constexpr uint64_t kMaxDevices = 64;

// Weight bytes of one transformer block by what the runtimes treat differently.
struct LayerWeights {
  uint64_t attention = 0;   // attention projections and norms
  uint64_t dense_ffn = 0;   // FFN of a dense layer
  uint64_t shared = 0;      // shared experts (and their gate)
  uint64_t router = 0;      // ffn_norm, router, expert bias
  uint64_t routed = 0;      // routed experts (ffn_*_exps), all of them
  uint64_t replicated = 0;  // of the above, what tensor parallelism keeps whole on each rank
  uint64_t total() const { return attention + dense_ffn + shared + router + routed; }
};

// An estimate's weights and KV cache by layer, summing exactly to its totals.
struct LayerMap {
  std::vector<LayerWeights> layers;
  std::vector<uint64_t> kv;         // KV cache bytes of each layer
  std::vector<uint64_t> kv_row;     // KV bytes per cached token of each layer
  uint64_t token_embd = 0;          // input embedding
  uint64_t output = 0;              // output head, final norm (and rope_freqs)
  uint64_t output_replicated = 0;   // of output: the norm and rope table
  bool tied = false;                // the output head is token_embd (no output.weight)
  uint64_t weights_total() const;
  uint64_t kv_total() const;
};
LayerMap layer_map(const Estimate& e);
// Sets a layer map's KV bytes from an estimate of the same model, format and runtime (its weights
// do not depend on the context; the KV cache does).
void fill_layer_kv(LayerMap& m, const Estimate& e);

struct DevicePart {
  std::string label;        // "GPU 0", "RAM"
  int64_t layer_first = -1;  // blocks held, [first, last]; -1: none
  int64_t layer_last = -1;
  uint64_t layers = 0;
  bool output_layer = false;
  bool input_layer = false;
  uint64_t expert_layers = 0;     // blocks whose routed experts are held here
  uint64_t weights_bytes = 0;     // all weights held (split + replicated + duplicated)
  uint64_t weights_replicated_bytes = 0;
  uint64_t weights_duplicated_bytes = 0;  // a second copy: a tied token_embd loaded again as the output head
  uint64_t kv_bytes = 0;
  bool kv_replicated = false;     // MLA latent under TP: every rank holds the whole cache
  uint64_t compute_bytes = 0;     // compute buffer / activation peak (each device its own)
  uint64_t cuda_graph_bytes = 0;
  uint64_t reserved_bytes = 0;    // CUDA context / non-torch memory
  uint64_t output_buffer_bytes = 0;
  uint64_t total_bytes = 0;
  uint64_t budget_bytes = 0;      // 0: unknown (RAM not given)
  bool fits = true;
  // Speed inputs: bytes read per decode step for one sequence, and the device's bandwidth.
  double read_weights_bytes = 0;  // active weights for one token
  double read_kv_bytes = 0;       // KV of one sequence at the context
  double bandwidth_gb_per_s = 0;
  double efficiency = 1;
};

struct Layout {
  std::string kind;  // single | layer_split | tensor_parallel | cpu
  uint64_t count = 1;
  uint64_t tp = 1;
  uint64_t pp = 1;
  std::string description;
};


struct Plan {
  Device device;
  uint64_t count = 1;
  Layout layout;
  Offload offload = Offload::none;
  uint64_t gpu_layers = 0;       // llama.cpp: -ngl as llama.cpp counts it (n_layer + 1 = all and the output)
  uint64_t cpu_moe_layers = 0;   // llama.cpp --n-cpu-moe
  std::vector<DevicePart> devices;
  DevicePart host;               // system RAM
  uint64_t ram_needed_bytes = 0;
  std::optional<uint64_t> ram_bytes;
  bool fits = false;
  int64_t headroom_bytes = 0;    // least headroom over the devices (negative: short by that much)
  std::vector<std::string> split;       // what is divided across devices
  std::vector<std::string> replicated;  // what each device holds in full
  std::vector<std::string> notes;
  std::optional<Layout> minimum;        // the smallest count of this device that fits
  std::string minimum_reason;
  Speed speed;
};

// Throws InputError naming the field (gpu, gpus, custom_gpu.*, offload, gpu_layers, cpu_moe_layers,
// ram_gb, host) for bad input.
Plan plan(const Estimate& e, const PlanRequest& req);

// For solvers that place one model, format and runtime at many contexts: reuse the weights of a
// layer_map of the same inputs (the KV cache is refilled from the estimate) and leave out what
// they do not read. The placement and the fit verdict are the same as plan()'s.
struct PlanOptions {
  const LayerMap* weights = nullptr;
  bool minimum = true;  // the smallest count of the device (minimum_layout)
  bool speed = true;    // decode and prefill bounds with their assumptions
  bool texts = true;    // the layout's description, what is split and replicated, notes and the speed's
                        // assumptions as sentences; the figures do not depend on them
};
Plan plan(const Estimate& e, const PlanRequest& req, const PlanOptions& opts);

// The same plan with the speed's bounds and terms but no fitted expected figure (what the speed
// model of calibration.hpp is fitted on).
Plan plan_bounds(const Estimate& e, const PlanRequest& req);

// The smallest layout of one device that holds the estimate under its runtime's rules, if any
// (at most kMaxDevices devices). reason explains the choice.
std::optional<Layout> minimum_layout(const Estimate& e, const LayerMap& m, const Device& d, std::string* reason);

// For a model table: the smallest single catalogue GPU that holds the estimate and, failing that,
// the smallest count of a given datacenter device.
struct Suggestion {
  const Device* single = nullptr;   // discrete GPU (consumer, workstation or datacenter)
  const Device* apple = nullptr;    // unified memory (llama.cpp engines only)
  const Device* multi_device = nullptr;
  std::optional<Layout> multi;
};
Suggestion suggest_gpu(const Estimate& e, const std::string& datacenter_id = "h100-sxm");

nlohmann::json to_json(const Plan& p);
nlohmann::json to_json(const Suggestion& s);

}  // namespace vramcalc
