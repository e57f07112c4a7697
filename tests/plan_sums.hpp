#pragma once
// A placement's weights and KV cache summed over its devices and RAM, for the tests that check
// they add up to the estimate.
#include <cstdint>

#include "planner.hpp"

namespace testing {

struct Sums {
  uint64_t weights = 0, kv = 0;
};

// Weights and KV over all devices and RAM, counting replicated tensors once per pipeline stage
// and leaving out duplicated copies.
inline Sums sums(const vramcalc::Plan& p) {
  Sums s;
  const uint64_t tp = p.layout.tp;
  for (size_t i = 0; i < p.devices.size(); ++i) {
    const vramcalc::DevicePart& d = p.devices[i];
    const bool first_of_stage = i % tp == 0;
    s.weights += d.weights_bytes - d.weights_duplicated_bytes - d.weights_replicated_bytes +
                 (first_of_stage ? d.weights_replicated_bytes : 0);
    s.kv += d.kv_replicated ? (first_of_stage ? d.kv_bytes : 0) : d.kv_bytes;
  }
  s.weights += p.host.weights_bytes - p.host.weights_duplicated_bytes;
  s.kv += p.host.kv_bytes;
  return s;
}

}  // namespace testing
