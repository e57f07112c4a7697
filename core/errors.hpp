#pragma once
// Errors the core reports about its input. They name the offending field so the CLI, the page and
// the widget can point at it; the API layer turns them into {"error": {code, field, message}}.
#include <stdexcept>
#include <string>

namespace vramcalc {

class InputError : public std::runtime_error {
 public:
  InputError(std::string code, std::string field, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)), field_(std::move(field)) {}
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  std::string code_;
  std::string field_;
};

}  // namespace vramcalc
