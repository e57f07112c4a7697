#pragma once
// The solver side of the CLI: the fit and reasoning sub-commands, --max-context, --best-quant,
// --sweep and --command on an estimate, and the tables they print.
#include <nlohmann/json.hpp>

// Reads one solver flag at argv[i] into the request. Returns 0 when argv[i] is not a solver flag,
// 1 when it was read, 2 after printing the error line for a missing value.
int parse_solve_flag(int& i, int argc, char** argv, nlohmann::json& req, bool as_json);

// fit and reasoning print their own tables; the others add lines after the estimate's.
bool solve_prints_alone(const nlohmann::json& req);
void print_solve(const nlohmann::json& req, const nlohmann::json& result);

extern const char* kSolveUsage;
