#include "gguf_files.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "errors.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& code, const std::string& message) { throw InputError(code, "gguf", message); }

// Printable text of a file name (the bytes of a path need not be UTF-8): other bytes become '?'.
std::string printable(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size() && out.size() < 200) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n == 1 && (c < 0x20 || c == 0x7f)) ok = false;
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

// "name-00002-of-00004.gguf" -> ("name", 2, 4); otherwise count 0.
struct SplitName {
  std::string stem;
  uint64_t no = 0, count = 0;
};
SplitName split_name(const std::string& file) {
  SplitName r;
  const std::string suffix = ".gguf";
  // At least one character of stem, then "-00001-of-00003" and the suffix.
  if (file.size() < 1 + 15 + suffix.size()) return r;
  if (file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) return r;
  const std::string core = file.substr(0, file.size() - suffix.size());  // ...-00002-of-00004
  const size_t n = core.size();
  auto digits = [&](size_t at) {
    uint64_t v = 0;
    for (size_t k = at; k < at + 5; ++k) {
      if (core[k] < '0' || core[k] > '9') return uint64_t(0);
      v = v * 10 + uint64_t(core[k] - '0');
    }
    return v;
  };
  if (core.compare(n - 9, 4, "-of-") != 0 || core[n - 15] != '-') return r;
  r.no = digits(n - 14);
  r.count = digits(n - 5);
  if (r.no == 0 || r.count == 0) return SplitName{};
  r.stem = core.substr(0, n - 15);
  return r;
}

std::string shard_file_name(const std::string& stem, uint64_t no, uint64_t count) {
  auto five = [](uint64_t v) {
    std::string s = std::to_string(v);
    return std::string(s.size() < 5 ? 5 - s.size() : 0, '0') + s;
  };
  return stem + "-" + five(no) + "-of-" + five(count) + ".gguf";
}

}  // namespace

json gguf_files_summary_json(const json& files) {
  try {
    if (!files.is_array() || files.empty()) fail("invalid_gguf", "no GGUF file was given");
    if (files.size() > 256) fail("invalid_gguf", "more than 256 files were given");
    struct Shard {
      std::string name;
      const json* s;
      uint64_t no, count, tensors;
    };
    std::vector<Shard> shards;
    for (const json& f : files) {
      const std::string name = printable(f.value("name", std::string("(unnamed)")));
      if (!f.contains("summary") || !f["summary"].is_object()) fail("invalid_gguf", name + ": no header summary");
      const json& s = f["summary"];
      if (s.contains("error")) {
        const json& e = s["error"];
        fail(e.value("code", std::string("invalid_gguf")), name + ": " + e.value("message", std::string("not a readable GGUF file")));
      }
      const json split = s.value("split", json::object());
      Shard sh{name, &s, split.value("no", uint64_t(0)), split.value("count", uint64_t(0)), split.value("tensors", uint64_t(0))};
      shards.push_back(sh);
    }
    const bool split = shards[0].count > 1;
    if (!split) {
      if (shards.size() > 1) {
        std::string names;
        for (const Shard& x : shards) names += (names.empty() ? "" : ", ") + x.name;
        fail("mixed_gguf", "these files are not the shards of one model (" + names + "): " + shards[0].name +
                               " is a whole model on its own; give one model's file, or every shard of one split model");
      }
    } else {
      const uint64_t count = shards[0].count;
      std::map<uint64_t, const Shard*> by_no;
      for (const Shard& x : shards) {
        if (x.count != count || x.tensors != shards[0].tensors) {
          fail("mixed_gguf", "these files are shards of different models: " + shards[0].name + " is shard " +
                                 std::to_string(shards[0].no + 1) + " of " + std::to_string(count) + ", " + x.name +
                                 (x.count > 1 ? " shard " + std::to_string(x.no + 1) + " of " + std::to_string(x.count)
                                              : std::string(" not a shard")) +
                                 (x.count == count ? " (of a split with another tensor count)" : ""));
        }
        if (x.no >= count) fail("invalid_gguf", x.name + ": split.no " + std::to_string(x.no) + " is past split.count " + std::to_string(count));
        if (by_no.count(x.no)) {
          fail("mixed_gguf", "two files are shard " + std::to_string(x.no + 1) + " of " + std::to_string(count) + ": " +
                                 by_no[x.no]->name + " and " + x.name);
        }
        by_no[x.no] = &x;
      }
      if (by_no.size() != count) {
        // Name the missing files the way llama.cpp's gguf-split names them, when the names follow it.
        SplitName sn;
        for (const Shard& x : shards) {
          const SplitName t = split_name(x.name);
          if (t.count == count) sn = t;
        }
        std::string missing;
        uint64_t n_missing = 0;
        for (uint64_t i = 0; i < count; ++i) {
          if (by_no.count(i)) continue;
          ++n_missing;
          if (n_missing <= 8) {
            missing += (missing.empty() ? "" : ", ") + (sn.count ? shard_file_name(sn.stem, i + 1, count) : "shard " + std::to_string(i + 1));
          }
        }
        if (n_missing > 8) missing += ", ...";
        fail("missing_gguf_shards", std::to_string(n_missing) + " of the " + std::to_string(count) + " shards " +
                                        (n_missing == 1 ? "is" : "are") + " missing: " + missing +
                                        ". Give every shard (only their headers are read)");
      }
      std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.no < b.no; });
    }
    // The first shard carries the metadata; the others add their tensors.
    json out = *shards[0].s;
    uint64_t weights = 0, file_bytes = 0, params = 0, tensors = 0;
    bool kv_b = false;
    std::map<std::string, json> by_type;
    std::vector<std::string> order;
    json names = json::array();
    for (const Shard& x : shards) {
      const json& s = *x.s;
      names.push_back(x.name);
      weights += s.value("weights_bytes", uint64_t(0));
      file_bytes += s.value("file_bytes", uint64_t(0));
      params += s.value("params", uint64_t(0));
      tensors += s.value("tensors", uint64_t(0));
      kv_b |= s.value("has_attn_kv_b", false);
      for (const json& t : s.value("weights_by_type", json::array())) {
        const std::string type = t.value("type", std::string("?"));
        json& row = by_type[type];
        if (row.is_null()) {
          row = {{"type", type}, {"tensors", 0}, {"params", 0}, {"bytes", 0}};
          order.push_back(type);
        }
        for (const char* k : {"tensors", "params", "bytes"}) row[k] = row[k].get<uint64_t>() + t.value(k, uint64_t(0));
      }
    }
    if (split && tensors != shards[0].tensors) {
      fail("mixed_gguf", "the shards hold " + std::to_string(tensors) + " tensors but the split says " + std::to_string(shards[0].tensors) +
                             ": they are not all from one model");
    }
    if (!out.contains("config")) fail("invalid_gguf", shards[0].name + ": the first shard has no model metadata");
    json types = json::array();
    for (const std::string& t : order) types.push_back(by_type[t]);
    out["weights_bytes"] = weights;
    out["file_bytes"] = file_bytes;
    out["params"] = params;
    out["tensors"] = tensors;
    out["weights_by_type"] = types;
    out["has_attn_kv_b"] = kv_b;
    out["mla_legacy"] = out.value("architecture", std::string()) == "deepseek2" && kv_b;
    out["files"] = names;
    return out;
  } catch (const InputError& e) {
    return {{"error", {{"code", e.code()}, {"field", e.field()}, {"message", e.what()}}}};
  }
}

std::string gguf_files_summary(const std::string& files_json) {
  const json files = json::parse(files_json, nullptr, false);
  if (files.is_discarded()) {
    return json{{"error", {{"code", "invalid_gguf"}, {"field", "gguf"}, {"message", "the file list is not valid JSON"}}}}.dump();
  }
  return gguf_files_summary_json(files).dump();
}

}  // namespace vramcalc
