#pragma once
// The JSON entry point of the solvers (solve.hpp) and launch commands (commands.hpp), for the CLI
// and the extras WebAssembly module. A request is an estimate request with a device plus
// "solve": "max_context" | "best_quant" | "sweep" | "fit" | "reasoning" and/or
// "launch_commands": true. Errors are data, as in api.hpp.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

std::string solve_json(const std::string& request_text);
nlohmann::json solve_json_value(const nlohmann::json& request);

// True when a request asks for a solver or launch commands.
bool wants_solver(const nlohmann::json& request);

}  // namespace vramcalc
