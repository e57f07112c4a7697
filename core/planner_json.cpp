// The planner's results as the JSON the CLI prints and the WebAssembly modules return.
#include <nlohmann/json.hpp>

#include "planner.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {

json device_json(const Device& d) {
  return {{"id", d.id}, {"name", d.name}, {"class", d.device_class},
          {"memory_bytes", d.memory_bytes}, {"usable_bytes", d.usable_bytes},
          {"bandwidth_gb_per_s", d.bandwidth_gb_per_s},
          {"fp16_tflops", d.fp16_tflops > 0 ? json(d.fp16_tflops) : json(nullptr)}};
}

json layout_json(const Layout& l) {
  return {{"kind", l.kind}, {"count", l.count}, {"tp", l.tp}, {"pp", l.pp}, {"description", l.description}};
}

json part_json(const DevicePart& p) {
  json j = {{"label", p.label},
            {"layers", p.layers},
            {"layer_first", p.layer_first >= 0 ? json(p.layer_first) : json(nullptr)},
            {"layer_last", p.layer_last >= 0 ? json(p.layer_last) : json(nullptr)},
            {"output_layer", p.output_layer},
            {"input_layer", p.input_layer},
            {"expert_layers", p.expert_layers},
            {"weights_bytes", p.weights_bytes},
            {"weights_replicated_bytes", p.weights_replicated_bytes},
            {"weights_duplicated_bytes", p.weights_duplicated_bytes},
            {"kv_cache_bytes", p.kv_bytes},
            {"kv_replicated", p.kv_replicated},
            {"compute_buffer_bytes", p.compute_bytes},
            {"cuda_graph_bytes", p.cuda_graph_bytes},
            {"runtime_reserved_bytes", p.reserved_bytes},
            {"output_buffer_bytes", p.output_buffer_bytes},
            {"total_bytes", p.total_bytes},
            {"budget_bytes", p.budget_bytes ? json(p.budget_bytes) : json(nullptr)},
            {"headroom_bytes", p.budget_bytes ? json(int64_t(p.budget_bytes) - int64_t(p.total_bytes)) : json(nullptr)},
            {"fits", p.budget_bytes ? json(p.fits) : json(nullptr)}};
  return j;
}

}  // namespace

json to_json(const Plan& p) {
  json devices = json::array();
  for (const DevicePart& d : p.devices) devices.push_back(part_json(d));
  json j = {{"device", device_json(p.device)},
            {"count", p.count},
            {"layout", layout_json(p.layout)},
            {"offload", {{"mode", offload_name(p.offload)}, {"gpu_layers", p.gpu_layers}, {"cpu_moe_layers", p.cpu_moe_layers}}},
            {"fits", p.fits},
            {"headroom_bytes", p.headroom_bytes},
            {"shortfall_bytes", p.headroom_bytes < 0 ? uint64_t(-p.headroom_bytes) : uint64_t(0)},
            {"devices", devices},
            {"host", part_json(p.host)},
            {"ram_needed_bytes", p.ram_needed_bytes},
            {"ram_bytes", p.ram_bytes ? json(*p.ram_bytes) : json(nullptr)},
            {"split", p.split},
            {"replicated", p.replicated},
            {"notes", p.notes},
            {"minimum", p.minimum ? layout_json(*p.minimum) : json(nullptr)},
            {"minimum_reason", p.minimum_reason}};
  return j;
}

json to_json(const Suggestion& s) {
  auto dev = [](const Device* d) {
    return d ? json{{"id", d->id}, {"name", d->name}, {"memory_bytes", d->memory_bytes}, {"class", d->device_class}}
             : json(nullptr);
  };
  json multi = nullptr;
  if (s.multi_device) {
    multi = {{"id", s.multi_device->id}, {"name", s.multi_device->name},
             {"layout", s.multi ? layout_json(*s.multi) : json(nullptr)}};
  }
  return {{"single", dev(s.single)}, {"apple", dev(s.apple)}, {"multi", multi}};
}

}  // namespace vramcalc
