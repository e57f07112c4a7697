#pragma once
// Expected decode speed fitted on published measurements (data/calibration.json): the bandwidth
// bound's GPU and RAM parts divided by efficiencies that depend on the device kind, the runtime
// family and the placement, plus per-token fixed costs (kernel launches and synchronisation per
// layer, hand-offs between devices) that the bandwidth bound leaves out. A fixed share of the rows
// is held out of the fit and its error reported separately.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "speed.hpp"

namespace vramcalc {

// One published single-user decode measurement.
struct CalibrationRow {
  std::string what;
  std::string model;
  std::string quant;
  std::string runtime;        // a runtime profile id
  std::string runtime_version;
  std::string device;         // a device id
  uint64_t count = 1;
  std::string offload = "none";
  std::string host;           // CPU row for RAM-resident weights ("" = the default)
  uint64_t host_sockets = 1;
  uint64_t context = 0;       // mean cached tokens while the tokens were generated
  double measured = 0;        // tokens/s
  std::string source;
};

struct SpeedGroupSpread {
  uint64_t n = 0;
  double lo = 0, hi = 0;  // measured / expected
};

struct SpeedModel {
  std::map<std::string, double> params;     // "gpu:nvidia" (1 / efficiency), "layer:nvidia" (s), ...
  std::map<std::string, double> priors;     // what each parameter is without data
  std::map<std::string, uint64_t> support;  // fitted rows each parameter appears in
  std::map<std::string, SpeedGroupSpread> spreads;  // by SpeedTerms group
  uint64_t n_rows = 0, n_fit = 0, n_heldout = 0;
  double fit_median_abs_error = 0, fit_max_abs_error = 0;          // |expected / measured - 1|
  double heldout_median_abs_error = 0, heldout_max_abs_error = 0;
  double heldout_mean_abs_error = 0;
  std::string version;  // "calibration n=..., fit on rows i % 4 != 3"

  // Seconds per decode step for these terms.
  double step_seconds(const SpeedTerms& t) const;
};

// The group key of a setup ("nvidia/gpu/llama.cpp") and its description in words.
std::string speed_group(const SpeedTerms& t);
std::string speed_group_label(const SpeedTerms& t);

std::vector<CalibrationRow> parse_calibration(const std::string& calibration_json);
const std::vector<CalibrationRow>& calibration_rows();  // the embedded data/calibration.json

// Rows held out of the fit: every 4th (index % 4 == 3).
inline bool held_out(size_t index) { return index % 4 == 3; }

// The terms of a row's setup, from the estimate and placement of its model, format and devices.
SpeedTerms row_terms(const CalibrationRow& r);

// Fits the model on the rows that are not held out and measures it on all of them.
SpeedModel fit_speed_model(const std::vector<CalibrationRow>& rows);
// The model the native build fitted, from its tables (tools/catalog_blob.hpp): the WebAssembly
// build's speed_model(), bit for bit the native one, without fitting at start-up.
SpeedModel generated_speed_model();

// The model fitted on the embedded calibration data (fitted on first use).
const SpeedModel& speed_model();

nlohmann::json to_json(const SpeedModel& m);

}  // namespace vramcalc
