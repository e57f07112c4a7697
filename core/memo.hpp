#pragma once
// What depends only on a catalogue model and a catalogue format (the weights, the weights by
// layer), kept across calls: the solvers and the page ask for the same pair at many contexts and
// machines (a max-context search, the fit table at every change of a machine field). Pasted
// configs, mixes, checkpoint formats and the user's files are not kept: they are computed each
// time (the other models' configs are catalogue entries, named by EstimateRequest::custom_id).
#include <string>
#include <unordered_map>

#include "estimate.hpp"

namespace vramcalc {

// The key of an estimate's weights, or "" when they are not to be kept.
inline std::string weights_memo_key(const Estimate& e, bool split) {
  if ((!e.catalog_model && e.custom_id.empty()) || e.owned_quant || e.gguf_file) return {};
  return (e.catalog_model ? e.catalog_model->arch.id : e.custom_id) + '\n' + e.quant->name + (split ? "\n1" : "\n0") + (e.imatrix ? "1" : "0");
}

// Values by key, at most kMax of them (all are dropped when full: the catalogue's models x
// formats fit well below it).
template <class V>
class Memo {
 public:
  template <class Compute>
  const V& get(const std::string& key, Compute compute) {
    if (key.empty()) {
      scratch_ = compute();
      return scratch_;
    }
    auto it = values_.find(key);
    if (it != values_.end()) return it->second;
    if (values_.size() >= kMax) values_.clear();
    return values_.emplace(key, compute()).first->second;
  }

 private:
  static constexpr size_t kMax = 2048;
  std::unordered_map<std::string, V> values_;
  V scratch_{};
};

// The last thing one call site found by name in a catalogue built once per process (catalog(),
// hardware(): never changed, so what they hold stays where it is): a solver's probes look the
// same model, format, runtime and device up hundreds of times in a row, and a scan by
// case-insensitive name costs more than the probe's arithmetic in the WebAssembly build. Each
// call site keeps its own (the lambda's type makes the instance); it is reused when the name is
// exactly its key (another spelling is looked up again), and a name not found is not kept.
template <class Find, class Key>
auto last_lookup(const std::string& name, Find find, Key key) -> decltype(find(name)) {
  thread_local decltype(find(name)) last = nullptr;  // a pointer: nothing to construct or destroy
  if (last && key(*last) == name) return last;
  const auto found = find(name);
  if (found) last = found;
  return found;
}

}  // namespace vramcalc
