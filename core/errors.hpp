#pragma once
// Errors the core reports about its input. They name the offending field so the CLI, the page and
// the widget can point at it; the API layer turns them into {"error": {code, field, message}}.
// The message reads as a person would say it: a leading field id becomes the field's label
// (labels.hpp) and text from the user's input is made valid UTF-8.
#include <stdexcept>
#include <string>
#include <string_view>

namespace vramcalc {

class InputError : public std::runtime_error {
 public:
  InputError(std::string code, std::string field, const std::string& message);
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  std::string code_;
  std::string field_;
};

// {"error": {"code", "field", "message"}} as JSON text (valid UTF-8 whatever the message holds).
std::string error_json_text(std::string_view code, std::string_view field, std::string_view message);

// Runs an entry point of the JSON boundary: its answer, or an error object for anything it
// throws (an InputError with its field, anything else as "internal"). Never throws, so no
// exception reaches JavaScript or ends the CLI.
std::string error_text_for_current_exception() noexcept;
template <typename F>
std::string answer_or_error(F&& f) noexcept {
  try {
    return f();
  } catch (...) {
    return error_text_for_current_exception();
  }
}

}  // namespace vramcalc
