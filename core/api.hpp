#pragma once
// The JSON boundary shared by the CLI, the WebAssembly module and the page: one request object
// in, one result object out. Errors are data: {"error": {"code", "field", "message"}}.
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "estimate.hpp"
#include "planner.hpp"

namespace vramcalc {

// Reads a request object ({"model": id | "config": {...} | "config_text": "...", "quant",
// "context", "sequences", "kv_type", "runtime", "flash_attn", "ubatch"}). Throws InputError.
EstimateRequest request_from_json(const nlohmann::json& req);

// Reads the placement fields of a request ({"gpu": id | "custom_gpu": {"memory_gb",
// "bandwidth_gb_per_s"}, "gpus", "offload": "none" | "layers" | "experts" | {"mode", "gpu_layers",
// "cpu_moe_layers"}, "gpu_layers", "cpu_moe_layers", "ram_gb" | "ram_bytes", "host"}); empty when
// no device is given. Throws InputError.
std::optional<PlanRequest> plan_request_from_json(const nlohmann::json& req);

// Never throws: returns the estimate or an error object, serialised.
std::string estimate_json(const std::string& request_text);
// The same without the hardware planner: requests with hardware fields get an error naming the
// field. Identical output otherwise (used by the small first-result WebAssembly module).
std::string estimate_json_without_hardware(const std::string& request_text);
nlohmann::json estimate_json_value(const nlohmann::json& request);

// {"models": [...], "quants": [...], "runtimes": [...], "devices": [...], "defaults": {...}, "limits": {...}}
nlohmann::json catalog_json();
// with_devices: the device list of the hardware planner (the first-result module leaves it out).
std::string catalog_json_text(bool with_devices = true);

nlohmann::json error_json(const std::string& code, const std::string& field, const std::string& message);

}  // namespace vramcalc
