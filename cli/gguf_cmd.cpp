#include "gguf_cmd.hpp"

#include <fstream>

#include "gguf.hpp"
#include "gguf_files.hpp"

using nlohmann::json;

namespace {

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// One file's header summary: the first MiB, then four times more until the tensor infos are in.
json read_header(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return {{"error", {{"code", "invalid_gguf"}, {"field", "gguf"}, {"message", "cannot read GGUF file"}}}};
  std::string bytes;
  json summary;
  for (uint64_t want = 1 << 20;; want *= 4) {
    const size_t have = bytes.size();
    bytes.resize(size_t(want));
    f.read(bytes.data() + have, std::streamsize(want - have));
    bytes.resize(have + size_t(f.gcount()));
    summary = vramcalc::gguf_summary_json(bytes);
    if (!summary.contains("need_bytes") || !f || want >= (1ull << 32)) break;
  }
  return summary;
}

}  // namespace

json read_gguf_files(const std::vector<std::string>& paths) {
  json files = json::array();
  for (const std::string& p : paths) files.push_back({{"name", base_name(p)}, {"summary", read_header(p)}});
  return vramcalc::gguf_files_summary_json(files);
}
