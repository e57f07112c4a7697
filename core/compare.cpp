#include "compare.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "catalog.hpp"
#include "errors.hpp"

namespace vramcalc {

using nlohmann::json;

json compare_runtimes(const EstimateRequest& r, const std::optional<PlanRequest>& p) {
  const Catalog& cat = catalog();
  const QuantFormat* q = cat.find_quant(r.quant);
  const bool gguf = r.gguf_file || (q && q->gguf);
  json rows = json::array();
  for (const RuntimeProfile& rt : cat.runtimes) {
    if (rt.is_llama_cpp() != gguf) continue;
    EstimateRequest x = r;
    x.runtime = rt.id;
    const bool kv_ok = std::find(rt.kv_types.begin(), rt.kv_types.end(), r.kv_type) != rt.kv_types.end();
    if (!kv_ok) x.kv_type.clear();
    if (!rt.is_llama_cpp()) x.ubatch = 0;
    json row = {{"runtime", rt.id}, {"name", rt.name}, {"version", rt.version}};
    try {
      const Estimate e = estimate(x);
      row["kv_type"] = e.kv_type->name;
      row["kv_cache_bytes"] = e.kv.bytes;
      row["buffers_bytes"] = e.compute_buffer_bytes + e.output_buffer_bytes + e.cuda_graph_bytes;
      row["overhead_bytes"] = e.runtime_reserved_bytes;
      row["weights_bytes"] = e.weights.bytes;
      row["total_bytes"] = e.total_bytes;
      if (p) {
        const Plan pl = plan(e, *p);
        row["fits"] = pl.fits;
        row["headroom_bytes"] = pl.headroom_bytes;
        row["ram_needed_bytes"] = pl.ram_needed_bytes;
        row["offload"] = offload_name(pl.offload);
        const double v = pl.speed.decode_expected_per_sequence;
        row["decode_expected_tokens_per_s"] = v > 0 ? json(std::round(v * 10.0) / 10.0) : json(nullptr);
        row["similar_setups"] = to_json(pl.speed)["similar_setups"]["text"];
      } else {
        row["fits"] = nullptr;
        row["decode_expected_tokens_per_s"] = nullptr;
      }
    } catch (const InputError& err) {
      row["error"] = {{"code", err.code()}, {"field", err.field()}, {"message", err.what()}};
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace vramcalc
