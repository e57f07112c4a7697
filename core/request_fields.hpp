#pragma once
// Readers of request fields shared by the JSON entry points (api.cpp, solve_api.cpp): numbers may
// arrive as JSON numbers or as the text typed in a form; each throws InputError naming the field.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace vramcalc {

uint64_t read_count(const nlohmann::json& req, const char* field, uint64_t fallback);
std::string read_text(const nlohmann::json& req, const char* field, const std::string& fallback);
double read_positive(const nlohmann::json& v, const std::string& field);
bool present(const nlohmann::json& req, const char* field);

}  // namespace vramcalc
