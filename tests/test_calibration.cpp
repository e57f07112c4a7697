// The expected decode speed against published measurements (data/calibration.json): the fit is
// computed from the rows (not stored), rows held out of it by a fixed rule (every 4th) are
// predicted within a stated error, and each result carries the spread seen on similar setups.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "calibration.hpp"
#include "helpers.hpp"
#include "planner.hpp"

namespace {

std::string read_data(const std::string& name) {
  std::ifstream f(std::string(VRAMCALC_SOURCE_DIR) + "/data/" + name);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("calibration rows: at least 40 published measurements, each with a source") {
  const std::vector<vramcalc::CalibrationRow> rows = vramcalc::parse_calibration(read_data("calibration.json"));
  CHECK(rows.size() >= 40);
  for (const vramcalc::CalibrationRow& r : rows) {
    CAPTURE(r.what);
    CHECK(r.source.size() > 20);
    CHECK(r.measured > 0);
  }
}

TEST_CASE("the speed model is fitted from the rows: the product's fit is the file's, and changing a row changes it") {
  const std::vector<vramcalc::CalibrationRow> rows = vramcalc::parse_calibration(read_data("calibration.json"));
  const vramcalc::SpeedModel fit = vramcalc::fit_speed_model(rows);
  const vramcalc::SpeedModel& used = vramcalc::speed_model();
  REQUIRE(fit.params.size() == used.params.size());
  for (const auto& kv : fit.params) {  // no structured bindings in CAPTURE's lambda (clang 14)
    const std::string& k = kv.first;
    CAPTURE(k);
    CHECK(used.params.at(k) == doctest::Approx(kv.second).epsilon(1e-9));
  }
  // Halve every NVIDIA measurement that is fitted on: the NVIDIA efficiency must move.
  std::vector<vramcalc::CalibrationRow> slower = rows;
  for (size_t i = 0; i < slower.size(); ++i) {
    if (!vramcalc::held_out(i) && slower[i].device.rfind("rtx-", 0) == 0) slower[i].measured /= 2;
  }
  const vramcalc::SpeedModel moved = vramcalc::fit_speed_model(slower);
  CHECK(moved.params.at("gpu:nvidia") > fit.params.at("gpu:nvidia") * 1.3);
}

TEST_CASE("held-out measurements: median error under 12%, mean under 15%, none beyond 35%") {
  // The file's rows (with their labels; the compiled-in copy leaves labels and sources out).
  const std::vector<vramcalc::CalibrationRow> rows = vramcalc::parse_calibration(read_data("calibration.json"));
  const vramcalc::SpeedModel& m = vramcalc::speed_model();
  std::printf("\n%-100s %9s %9s %7s\n", "decode (tokens/s)", "measured", "expected", "error");
  for (size_t i = 0; i < rows.size(); ++i) {
    const vramcalc::SpeedTerms t = vramcalc::row_terms(rows[i]);
    const double expected = 1.0 / m.step_seconds(t);
    std::printf("%s %-98s %9.2f %9.2f %+6.0f%%\n", vramcalc::held_out(i) ? "H" : " ", rows[i].what.c_str(), rows[i].measured, expected,
                (expected / rows[i].measured - 1) * 100);
  }
  std::printf("fitted on %llu rows: median |error| %.1f%%, max %.1f%%; held out %llu rows: median %.1f%%, mean %.1f%%, max %.1f%%\n",
              (unsigned long long)m.n_fit, m.fit_median_abs_error * 100, m.fit_max_abs_error * 100, (unsigned long long)m.n_heldout,
              m.heldout_median_abs_error * 100, m.heldout_mean_abs_error * 100, m.heldout_max_abs_error * 100);
  CHECK(m.n_heldout >= 10);
  // Measured when the fit was written: median 7.4%, mean 7.6%, max 20.0% on 13 held-out rows.
  CHECK(m.heldout_median_abs_error < 0.12);
  CHECK(m.heldout_mean_abs_error < 0.15);
  CHECK(m.heldout_max_abs_error < 0.35);
}

TEST_CASE("a result states the spread on similar setups, or that none was measured") {
  vramcalc::PlanRequest p;
  p.gpu = "rtx-4090";
  const vramcalc::Plan on_4090 = vramcalc::plan(testing::run("deepseek-r1-distill-qwen-7b", "Q4_K_M"), p);
  CHECK(on_4090.speed.similar_n >= 5);
  CHECK(on_4090.speed.similar_lo <= 1.0);
  CHECK(on_4090.speed.similar_hi >= 1.0);
  CHECK(on_4090.speed.decode_expected_per_sequence < on_4090.speed.decode_per_sequence);
  p.gpu = "arc-b580";
  const vramcalc::Plan on_arc = vramcalc::plan(testing::run("deepseek-r1-distill-qwen-7b", "Q4_K_M"), p);
  CHECK(on_arc.speed.similar_n == 0);
  CHECK(vramcalc::to_json(on_arc.speed)["similar_setups"]["text"].get<std::string>().find("no similar setup") == 0);
}

TEST_CASE("context slowdown: the expected speed falls as the cache fills, as measured") {
  // XiongjieDai GPU-Benchmarks-on-LLM-Inference, RTX 4090, Llama-3-8B Q4_K_M: tg512 130.58 and
  // tg8192 110.66 tokens/s (mean cache 256 and 4096 tokens): 15% slower.
  vramcalc::PlanRequest p;
  p.gpu = "rtx-4090";
  const double at256 = vramcalc::plan(testing::run("deepseek-r1-distill-llama-8b", "Q4_K_M", 256), p).speed.decode_expected_per_sequence;
  const double at4096 = vramcalc::plan(testing::run("deepseek-r1-distill-llama-8b", "Q4_K_M", 4096), p).speed.decode_expected_per_sequence;
  const double drop = 1.0 - at4096 / at256;
  CHECK(drop > 0.05);
  CHECK(drop < 0.30);
}
