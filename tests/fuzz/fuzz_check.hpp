#pragma once
// What every fuzz target asserts about an answer of the JSON boundary: one JSON object in valid
// UTF-8, either a result or {"error": {code, field, message}} with a field and a message that are
// not blank and a message of bounded length (input is quoted by a short prefix only). Anything
// else is a crash for libFuzzer to report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "text.hpp"

namespace fuzzing {

inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

// The parsed answer; traps on a broken one.
inline nlohmann::json check_answer(const std::string& out) {
  require(!out.empty() && out.front() == '{');
  require(vramcalc::is_valid_utf8(out));
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  require(j.is_object());
  if (j.contains("error")) {
    const nlohmann::json& e = j["error"];
    require(e.is_object() && e["code"].is_string() && e["message"].is_string() && e["field"].is_string());
    const std::string& code = e["code"].get_ref<const std::string&>();
    // An internal error is a bug the fuzzer should report, not an answer.
    require(code != "internal");
    require(!e["field"].get_ref<const std::string&>().empty());
    const std::string& message = e["message"].get_ref<const std::string&>();
    require(!message.empty() && message.size() < 2000);
    require(message.find('\0') == std::string::npos);
  }
  return j;
}

// Input bytes as a JSON string value: invalid UTF-8 replaced, as a browser's TextDecoder or
// the CLI's request writer does before the core sees it.
inline std::string as_json_string(std::string_view bytes) {
  return nlohmann::json(vramcalc::valid_utf8(bytes)).dump();
}

}  // namespace fuzzing
