#pragma once
// The device catalogue of data/gpus.json: memory a runtime can see, peak memory bandwidth and dense
// matrix throughput, per GPU, Apple SoC or CPU memory system; and a custom device from the request.
#include <cstdint>
#include <string>
#include <vector>

namespace vramcalc {

struct Device {
  std::string id;
  std::string name;
  std::string vendor;
  std::string device_class;  // consumer | laptop | workstation | datacenter | apple | unified | cpu | custom
  std::string family;        // the picker's group within a class ("GeForce RTX 40", "Apple M4", ...)
  std::string interconnect;
  uint64_t memory_bytes = 0;  // 0 for CPU rows: the RAM size is the user's
  uint64_t usable_bytes = 0;  // what the runtime sees as the device's total memory
  double memory_gb = 0;       // the marketed figure, for display
  double bandwidth_gb_per_s = 0;
  double fp16_tflops = 0;     // dense; 0 where unknown (CPU rows)
  double fp8_tflops = 0;      // dense; 0 where the hardware has no FP8
  bool is_cpu() const { return device_class == "cpu"; }
  bool is_apple() const { return device_class == "apple"; }
  // CPU and GPU read the same memory (Apple silicon, DGX Spark, Strix Halo).
  bool is_unified() const { return device_class == "apple" || device_class == "unified"; }
};

// Fractions of the peak memory bandwidth that streaming reads sustain (data/gpus.json "speed").
struct SpeedFactors {
  double gpu_bandwidth_efficiency = 1.0;
  double cpu_bandwidth_efficiency = 1.0;
  std::string default_host;  // CPU row whose bandwidth offloaded weights are read at by default
};

struct HardwareCatalog {
  // Indexes the devices by lower-case id for find (a solver looks devices up for every probe).
  HardwareCatalog(std::vector<Device> devices, SpeedFactors speed);
  const std::vector<Device> devices;
  const SpeedFactors speed;
  const Device* find(const std::string& id) const;  // case-insensitive

 private:
  std::vector<std::pair<std::string, std::size_t>> by_id_;  // (lower-case id, index), sorted
};

// The catalogue built from the embedded data/gpus.json (parsed on first use).
const HardwareCatalog& hardware();
HardwareCatalog parse_hardware(const std::string& gpus_json);
// The same catalogue from the tables the native build wrote (tools/catalog_blob.hpp), which the
// WebAssembly build compiles in place of parsing data/gpus.json.
HardwareCatalog generated_hardware();

// A device the user describes by its memory and bandwidth. Throws InputError naming
// custom_gpu.memory_gb or custom_gpu.bandwidth_gb_per_s for values that are not positive and finite.
Device custom_device(double memory_gb, double bandwidth_gb_per_s, double fp16_tflops = 0);

}  // namespace vramcalc
