#include "hardware.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "text.hpp"

#include "catalog.hpp"
#include "errors.hpp"

namespace vramcalc {

using nlohmann::json;

namespace {


double number_or_zero(const json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_number() ? it->get<double>() : 0.0;
}

uint64_t bytes_or_zero(const json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

}  // namespace

HardwareCatalog parse_hardware(const std::string& text) {
  const json j = json::parse(text);
  std::vector<Device> devices;
  for (const json& d : j.at("devices")) {
    Device x;
    x.id = d.at("id").get<std::string>();
    x.name = d.at("name").get<std::string>();
    x.vendor = d.value("vendor", "");
    x.device_class = d.at("class").get<std::string>();
    x.interconnect = d.value("interconnect", "");
    x.family = d.value("family", "");
    x.memory_bytes = bytes_or_zero(d, "memory_bytes");
    x.usable_bytes = bytes_or_zero(d, "usable_bytes");
    x.memory_gb = number_or_zero(d, "memory_gb");
    x.bandwidth_gb_per_s = d.at("bandwidth_gb_per_s").get<double>();
    x.fp16_tflops = number_or_zero(d, "fp16_tflops_dense");
    x.fp8_tflops = number_or_zero(d, "fp8_tflops_dense");
    if (!(x.bandwidth_gb_per_s > 0)) throw std::runtime_error("data/gpus.json: " + x.id + " has no bandwidth");
    if (!x.is_cpu() && x.usable_bytes == 0) throw std::runtime_error("data/gpus.json: " + x.id + " has no memory");
    devices.push_back(std::move(x));
  }
  const json& s = j.at("speed");
  SpeedFactors speed;
  speed.gpu_bandwidth_efficiency = s.at("gpu_bandwidth_efficiency").at("value").get<double>();
  speed.cpu_bandwidth_efficiency = s.at("cpu_bandwidth_efficiency").at("value").get<double>();
  speed.default_host = s.at("default_host").at("value").get<std::string>();
  const HardwareCatalog c(std::move(devices), std::move(speed));
  if (!c.find(c.speed.default_host)) throw std::runtime_error("data/gpus.json: default_host is not a device");
  return c;
}

const HardwareCatalog& hardware() {
#ifdef VRAMCALC_GENERATED_CATALOG
  static const HardwareCatalog c = generated_hardware();
#else
  static const HardwareCatalog c = parse_hardware(embedded_gpus_json());
#endif
  return c;
}

HardwareCatalog::HardwareCatalog(std::vector<Device> devices_, SpeedFactors speed_) : devices(std::move(devices_)), speed(std::move(speed_)) {
  for (std::size_t i = 0; i < devices.size(); ++i) {
    std::string id = devices[i].id;
    for (char& ch : id) ch = ascii_lower(ch);
    by_id_.emplace_back(std::move(id), i);
  }
  // Stable: of two ids equal but for case, the first in the catalogue is found, as a scan would.
  std::stable_sort(by_id_.begin(), by_id_.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
}

const Device* HardwareCatalog::find(const std::string& id) const {
  // Binary search by the query's lower-case letters, read in place (no copy of the query).
  // On views: a std::string's bytes are read through calls in the size-optimised WebAssembly build.
  const auto before = [&](std::string_view entry, std::string_view query) {
    const std::size_t n = std::min(entry.size(), query.size());
    for (std::size_t i = 0; i < n; ++i) {
      const char q = ascii_lower(query[i]);
      if (entry[i] != q) return (unsigned char)entry[i] < (unsigned char)q;
    }
    return entry.size() < query.size();
  };
  const std::string_view query = id;
  const auto it = std::lower_bound(by_id_.begin(), by_id_.end(), query, [&](const auto& x, std::string_view q) { return before(x.first, q); });
  return it != by_id_.end() && iequals(it->first, query) ? &devices[it->second] : nullptr;
}

Device custom_device(double memory_gb, double bandwidth_gb_per_s, double fp16_tflops) {
  // 100 TB of device memory or 100 TB/s is beyond any device: a typo, not hardware.
  if (!std::isfinite(memory_gb) || memory_gb <= 0 || memory_gb > 100000) {
    throw InputError("invalid_custom_gpu", "custom_gpu.memory_gb",
                     "custom GPU memory must be a positive number of GB (at most 100000)");
  }
  if (!std::isfinite(bandwidth_gb_per_s) || bandwidth_gb_per_s <= 0 || bandwidth_gb_per_s > 100000) {
    throw InputError("invalid_custom_gpu", "custom_gpu.bandwidth_gb_per_s",
                     "custom GPU bandwidth must be a positive number of GB/s (at most 100000)");
  }
  if (!std::isfinite(fp16_tflops) || fp16_tflops < 0 || fp16_tflops > 1e6) {
    throw InputError("invalid_custom_gpu", "custom_gpu.fp16_tflops", "custom GPU TFLOPS must be a positive number");
  }
  Device d;
  d.id = "custom";
  d.name = "Custom GPU";
  d.vendor = "custom";
  d.device_class = "custom";
  d.memory_gb = memory_gb;
  // "GB" as GPU makers market it, which is GiB-sized (an "80GB" H100 has 80 x 2^30 bytes), the
  // convention of memory_gb in data/gpus.json.
  d.memory_bytes = uint64_t(std::llround(memory_gb * double(1ull << 30)));
  d.usable_bytes = d.memory_bytes;
  d.bandwidth_gb_per_s = bandwidth_gb_per_s;
  d.fp16_tflops = fp16_tflops;
  return d;
}

}  // namespace vramcalc
