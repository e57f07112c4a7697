#pragma once
// The names people see for the request fields, so messages say "Calls per day" where the
// request says calls_per_day. The error object keeps the field id for the page to point at.
#include <string>
#include <string_view>

namespace vramcalc {

// The label of a request field ("calls_per_day" -> "Calls per day", "custom_gpu.memory_gb" ->
// "GPU memory (GB)"); the id itself when it has none.
std::string field_label(std::string_view field);

// The message with a leading field id replaced by the field's label ("gpu_layers must be ..."
// -> "Layers on the GPU must be ...").
std::string labelled_message(std::string_view field, std::string_view message);

}  // namespace vramcalc
