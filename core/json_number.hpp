#pragma once
// A double as JSON text, the shortest digits that read back as the same double, laid out as
// nlohmann::json's dump() lays them out ("4.0", "0.25", "1e+16", "1.5e-05"; null when not finite).
// Built on snprintf/strtod, which round correctly in glibc and in Emscripten's musl alike, so the
// native CLI and the WebAssembly modules print the same text without a JSON library.
#include <string>

namespace vramcalc {

std::string json_number(double v);

}  // namespace vramcalc
