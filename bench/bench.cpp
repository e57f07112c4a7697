// Prints estimates per second over the whole catalogue x every format x 8 context sizes.
#include <chrono>
#include <cstdio>

#include "estimate.hpp"

int main() {
  using namespace vramcalc;
  const Catalog& cat = catalog();
  const uint64_t contexts[] = {512, 2048, 4096, 8192, 16384, 32768, 65536, 131072};
  std::vector<EstimateRequest> reqs;
  for (const CatalogModel& m : cat.models) {
    for (const QuantFormat& q : cat.quants) {
      for (uint64_t ctx : contexts) {
        EstimateRequest r;
        r.model = m.arch.id;
        r.quant = q.name;
        r.context = ctx;
        reqs.push_back(r);
      }
    }
  }
  uint64_t sink = 0;
  for (const auto& r : reqs) sink += estimate(r).total_bytes;  // warm-up
  const int rounds = 200;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    for (const auto& r : reqs) sink += estimate(r).total_bytes;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double n = double(reqs.size()) * rounds;
  std::printf("estimates: %.0f in %.3f s = %.0f estimates/s (%zu models x %zu formats x 8 contexts, llama.cpp)\n", n, s,
              n / s, cat.models.size(), cat.quants.size());
  std::printf("(checksum %llu)\n", static_cast<unsigned long long>(sink));
  return 0;
}
