#include "labels.hpp"

#include <utility>

namespace vramcalc {

namespace {

// The page's labels for its fields, shortened where the page's says more than a sentence needs.
constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
    {"request", "The request"},
    {"model", "Model"},
    {"config", "config.json"},
    {"config_text", "config.json"},
    {"gguf", "GGUF file"},
    {"quant", "Quantization"},
    {"context", "Context"},
    {"sequences", "Concurrent sequences"},
    {"kv_type", "KV cache type"},
    {"runtime", "Runtime"},
    {"flash_attn", "Flash attention"},
    {"ubatch", "Micro-batch (ubatch)"},
    {"imatrix", "Importance matrix"},
    {"gpu", "Device"},
    {"gpus", "Number of devices"},
    {"custom_gpu", "Custom GPU"},
    {"custom_gpu.memory_gb", "GPU memory (GB)"},
    {"custom_gpu.bandwidth_gb_per_s", "GPU bandwidth (GB/s)"},
    {"custom_gpu.fp16_tflops", "GPU compute (FP16 TFLOPS)"},
    {"offload", "Offload to system RAM"},
    {"gpu_layers", "Layers on the GPU"},
    {"cpu_moe_layers", "Layers with their experts in RAM"},
    {"ram_gb", "System RAM (GB)"},
    {"ram_bytes", "System RAM (bytes)"},
    {"host", "Host memory"},
    {"host_sockets", "CPU sockets"},
    {"compare_runtimes", "Compare runtimes"},
    {"suggest_gpu", "Suggested device"},
    {"kind", "Calculator"},
    {"preset", "Prices"},
    {"calls_per_day", "Calls per day"},
    {"input_tokens", "Input tokens per call"},
    {"output_tokens", "Output tokens per call"},
    {"input_price", "Input price ($ per million tokens)"},
    {"output_price", "Output price ($ per million tokens)"},
    {"cached_input_price", "Cached input price ($ per million tokens)"},
    {"cache_hit_percent", "Input from the cache (%)"},
    {"retry_percent", "Retry rate (%)"},
    {"days_per_month", "Days per month"},
    {"self_host", "Self-hosting"},
    {"gpu_price", "Device for the hourly price"},
    {"devices", "Devices per replica"},
    {"usd_per_device_hour", "Self-hosting price per device-hour"},
    {"hours_per_month", "Hours per month"},
    {"decode_tokens_per_s", "Decode speed (tokens/s)"},
    {"prefill_tokens_per_s", "Prefill speed (tokens/s)"},
    {"stage", "Stage"},
    {"compliance", "Compliance needs"},
    {"latency_flexible", "Answers can wait"},
    {"metrics", "Monitoring figures"},
    {"rate_429_percent", "Rate-limited (429) responses (%)"},
    {"retry_multiplier", "Retry multiplier"},
    {"fallback_percent", "Calls sent to a fallback (%)"},
    {"output_input_ratio", "Output/input tokens now"},
    {"output_input_ratio_baseline", "Output/input tokens usually"},
    {"top_user_spend", "Spend of the top user"},
    {"median_user_spend", "Spend of the median user"},
    {"cost_per_task", "Cost per successful task, this week"},
    {"cost_per_task_last_week", "Cost per successful task, last week"},
    {"model_error_percent", "Error rate of one model (%)"},
    {"other_models_error_percent", "Error rate of the others (%)"},
};

}  // namespace

std::string field_label(std::string_view field) {
  for (const auto& [id, label] : kLabels) {
    if (id == field) return std::string(label);
  }
  return std::string(field);
}

std::string labelled_message(std::string_view field, std::string_view message) {
  if (field.empty()) return std::string(message);
  const std::string label = field_label(field);
  if (label == field) return std::string(message);
  // Messages start with the field id, or with its last part for a nested one ("memory_gb"),
  // followed by what is wrong with it ("offload to RAM ..." is a sentence about offloading).
  for (std::string_view id : {field, field.substr(field.rfind('.') + 1)}) {
    if (message.substr(0, id.size()) != id) continue;
    const std::string_view rest = message.substr(id.size());
    for (std::string_view verb : {" must ", " is ", " cannot ", " needs ", " of ", " below "}) {
      if (rest.substr(0, verb.size()) == verb) return label + std::string(rest);
    }
  }
  return std::string(message);
}

}  // namespace vramcalc
