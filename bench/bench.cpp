// Prints the core's speed: estimates per second over the whole catalogue x every format (the
// first estimate of each pair computes its weights; later ones, at 8 contexts, reuse them), then
// the solvers the page runs: the fit table of "Your machine", cold (its first run) and again, and
// a max-context search (medians of repeated runs, native; the page's WebAssembly figures come
// from tests/browser/machine.test.mjs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "estimate.hpp"
#include "solve.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class F>
double median_ms(int runs, F f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    f();
    ms.push_back(seconds_since(t0) * 1000.0);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main() {
  using namespace vramcalc;
  const Catalog& cat = catalog();
  const uint64_t contexts[] = {512, 2048, 4096, 8192, 16384, 32768, 65536, 131072};
  std::vector<EstimateRequest> reqs;
  for (uint64_t ctx : contexts) {
    for (const CatalogModel& m : cat.models) {
      for (const QuantFormat& q : cat.quants) {
        EstimateRequest r;
        r.model = m.arch.id;
        r.quant = q.name;
        r.context = ctx;
        reqs.push_back(r);
      }
    }
  }
  uint64_t sink = 0;
  // The first pass computes the weights of each model and format (the first context of each);
  // the core keeps them, so every later estimate only adds the context's KV cache and buffers.
  const size_t pairs = cat.models.size() * cat.quants.size();
  auto t0 = Clock::now();
  for (size_t i = 0; i < pairs; ++i) sink += estimate(reqs[i]).total_bytes;
  const double cold = seconds_since(t0);
  std::printf("estimates, weights computed: %zu in %.3f s = %.0f estimates/s (%zu models x %zu formats, llama.cpp)\n", pairs, cold,
              double(pairs) / cold, cat.models.size(), cat.quants.size());
  const int rounds = 100;
  t0 = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    for (const auto& r : reqs) sink += estimate(r).total_bytes;
  }
  const double s = seconds_since(t0);
  const double n = double(reqs.size()) * rounds;
  std::printf("estimates, weights kept: %.0f in %.3f s = %.0f estimates/s (the same x 8 contexts)\n", n, s, n / s);

  FitRequest fit;
  fit.machine.place.gpu = "rtx-4090";
  fit.machine.place.ram_bytes = uint64_t(64) << 30;
  uint64_t probes = 0, rows = 0;
  t0 = Clock::now();
  sink += fit_table(fit).rows.size();
  const double fit_cold_ms = seconds_since(t0) * 1000.0;
  const double fit_ms = median_ms(15, [&] {
    const FitTable t = fit_table(fit);
    probes = t.probes;
    rows = t.rows.size();
    sink += rows;
  });
  std::printf("fit table (RTX 4090, 64 GiB RAM, 16,384 tokens, llama.cpp): first %.2f ms (each pair's weights by layer computed), then %.2f ms median of 15, %llu rows, %llu probes\n", fit_cold_ms, fit_ms,
              static_cast<unsigned long long>(rows), static_cast<unsigned long long>(probes));

  EstimateRequest r;
  r.model = "deepseek-r1-distill-qwen-32b";
  r.quant = "Q4_K_M";
  PlanRequest p;
  p.gpu = "rtx-4090";
  const double mc_ms = median_ms(50, [&] { sink += max_context(r, p).tokens.value_or(0); });
  std::printf("max-context search (R1-Distill-Qwen-32B Q4_K_M, RTX 4090): %.3f ms median of 50\n", mc_ms);
  std::printf("(checksum %llu)\n", static_cast<unsigned long long>(sink));
  return 0;
}
