#include "errors.hpp"

#include <exception>
#include <new>

#include "json_writer.hpp"
#include "labels.hpp"
#include "text.hpp"

namespace vramcalc {

InputError::InputError(std::string code, std::string field, const std::string& message)
    : std::runtime_error(labelled_message(field, valid_utf8(message))), code_(std::move(code)), field_(std::move(field)) {}

std::string error_json_text(std::string_view code, std::string_view field, std::string_view message) {
  JsonWriter w;
  w.begin_object().key("error").begin_object();
  w.field("code", code).field("field", field).field("message", message);
  w.end_object().end_object();
  return w.take();
}

std::string error_text_for_current_exception() noexcept {
  // A fixed answer for when even building the message fails (out of memory).
  static const char* const kFallback = R"({"error":{"code":"internal","field":"","message":"internal error"}})";
  try {
    try {
      throw;
    } catch (const InputError& e) {
      return error_json_text(e.code(), e.field(), e.what());
    } catch (const std::bad_alloc&) {
      return error_json_text("out_of_memory", "", "the calculation ran out of memory");
    } catch (const std::exception& e) {
      return error_json_text("internal", "", std::string("internal error: ") + e.what());
    } catch (...) {
      return kFallback;
    }
  } catch (...) {
    try {
      return kFallback;
    } catch (...) {
      std::terminate();
    }
  }
}

}  // namespace vramcalc
