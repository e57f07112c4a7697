#include "calibration.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "estimate.hpp"
#include "planner.hpp"

namespace vramcalc {

namespace embedded {
extern const char* const calibration_json;
}

using nlohmann::json;

namespace {

// Without data a parameter keeps its prior: the sustained share of peak bandwidth that streaming
// reads reach (data/gpus.json "speed": 90% on GPUs, 70% from RAM) and no fixed cost.
double prior_of(const std::string& name) {
  const HardwareCatalog& hw = hardware();
  if (name.find('@') != std::string::npos) return 0.0;  // a family's correction to its kind
  if (name.rfind("gpu:", 0) == 0 || name.rfind("kv:", 0) == 0) return 1.0 / hw.speed.gpu_bandwidth_efficiency;
  if (name.rfind("ram:", 0) == 0) return 1.0 / hw.speed.cpu_bandwidth_efficiency;
  return 0.0;
}

// The prior's scale: how far a parameter moves per unit of evidence (1 / efficiency by 0.5, a
// family's correction by 0.3, fixed costs by 20 us per layer and 100 us per hand-off).
double scale_of(const std::string& name) {
  if (name.find('@') != std::string::npos) return 0.3;
  if (name.rfind("gpu:", 0) == 0 || name.rfind("ram:", 0) == 0 || name.rfind("kv:", 0) == 0) return 0.5;
  if (name.rfind("layer:", 0) == 0) return 2e-5;
  return 1e-4;
}

// Lower bounds: efficiencies at most 100% of peak (1 / efficiency >= 1), costs not negative; a
// family's correction may go either way.
double lower_of(const std::string& name) {
  if (name.find('@') != std::string::npos) return -1e9;
  return prior_of(name) > 0 ? 1.0 : 0.0;
}

// Weak: the priors decide only what the rows leave open (parameters no fitted row uses).
constexpr double kPriorWeight = 1e-4;

// Parameter name -> the term it multiplies, for one setup.
std::vector<std::pair<std::string, double>> features(const SpeedTerms& t) {
  std::vector<std::pair<std::string, double>> f;
  const std::string fam = t.family == "llama.cpp" || t.family == "ik_llama.cpp" || t.family == "ktransformers" ? "" : ":" + t.family;
  if (t.t_gpu > 0) {
    f.emplace_back("gpu:" + t.gpu_kind + fam, t.t_gpu);
    if (!t.gpu_family.empty()) f.emplace_back("gpu:" + t.gpu_kind + "@" + t.gpu_family, t.t_gpu);
  }
  if (t.t_gpu_kv > 0) f.emplace_back("kv:" + t.gpu_kind, t.t_gpu_kv);
  if (t.t_ram > 0) {
    const std::string rfam = t.family == "llama.cpp" ? "" : ":" + t.family;
    f.emplace_back("ram:" + t.placement + rfam, t.t_ram);
  }
  if (t.gpu_layers > 0) f.emplace_back("layer:" + t.gpu_kind, t.gpu_layers);
  if (t.cpu_layers > 0) f.emplace_back("layer:cpu", t.cpu_layers);
  if (t.handoffs > 0) f.emplace_back("handoff", t.handoffs);
  return f;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting.
std::vector<double> solve(std::vector<std::vector<double>> A, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r) {
      if (std::fabs(A[r][c]) > std::fabs(A[p][c])) p = r;
    }
    std::swap(A[c], A[p]);
    std::swap(b[c], b[p]);
    if (std::fabs(A[c][c]) < 1e-300) throw std::runtime_error("calibration: singular fit");
    for (size_t r = c + 1; r < n; ++r) {
      const double f = A[r][c] / A[c][c];
      for (size_t k = c; k < n; ++k) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (size_t c = n; c-- > 0;) {
    double s = b[c];
    for (size_t k = c + 1; k < n; ++k) s -= A[c][k] * x[k];
    x[c] = s / A[c][c];
  }
  return x;
}

}  // namespace

double SpeedModel::step_seconds(const SpeedTerms& t) const {
  double s = 0;
  for (const auto& [name, v] : features(t)) {
    auto it = params.find(name);
    s += (it != params.end() ? it->second : prior_of(name)) * v;
  }
  return s;
}

std::string speed_group(const SpeedTerms& t) {
  return (t.gpu_kind.empty() ? "cpu" : t.gpu_kind) + "/" + t.placement + "/" + t.family;
}

std::string speed_group_label(const SpeedTerms& t) {
  const std::string kind = t.gpu_kind == "nvidia" ? "NVIDIA GPUs" : t.gpu_kind == "amd" ? "AMD GPUs"
                           : t.gpu_kind == "apple" ? "Apple silicon" : t.gpu_kind == "intel" ? "Intel GPUs" : "CPUs";
  const std::string where = t.placement == "gpu" ? "everything in GPU memory"
                            : t.placement == "hybrid" ? "part of the weights in system RAM"
                            : t.placement == "cpu2" ? "CPU only, two or more sockets" : "CPU only, one socket";
  return kind + ", " + where + ", " + t.family;
}

std::vector<CalibrationRow> parse_calibration(const std::string& text) {
  const json j = json::parse(text);
  std::vector<CalibrationRow> rows;
  for (const json& r : j.at("rows")) {
    CalibrationRow c;
    c.what = r.value("what", "");
    c.model = r.at("model").get<std::string>();
    c.quant = r.at("quant").get<std::string>();
    c.runtime = r.at("runtime").get<std::string>();
    c.runtime_version = r.value("runtime_version", "");
    c.device = r.at("device").get<std::string>();
    c.count = r.value("count", uint64_t{1});
    c.offload = r.value("offload", "none");
    c.host = r.value("host", "");
    c.host_sockets = r.value("host_sockets", uint64_t{1});
    c.context = r.at("context").get<uint64_t>();
    c.measured = r.at("tokens_per_s").get<double>();
    c.source = r.value("source", "");
    if (!(c.measured > 0)) throw std::runtime_error("data/calibration.json: " + c.what + " has no speed");
    rows.push_back(std::move(c));
  }
  return rows;
}

const std::vector<CalibrationRow>& calibration_rows() {
  static const std::vector<CalibrationRow> rows = parse_calibration(embedded::calibration_json);
  return rows;
}

SpeedTerms row_terms(const CalibrationRow& r) {
  EstimateRequest q;
  q.model = r.model;
  q.quant = r.quant;
  q.runtime = r.runtime;
  q.context = std::max<uint64_t>(r.context, 1);
  const Estimate e = estimate(q);
  PlanRequest p;
  p.gpu = r.device;
  p.count = r.count;
  p.offload = r.offload == "experts" ? Offload::experts : r.offload == "layers" ? Offload::layers : Offload::none;
  if (p.offload == Offload::experts) p.cpu_moe_layers = e.arch->n_layer;  // all routed experts in RAM
  p.host = r.host;
  p.host_sockets = r.host_sockets;
  return plan_bounds(e, p).speed.terms;
}

SpeedModel fit_speed_model(const std::vector<CalibrationRow>& rows) {
  SpeedModel m;
  m.n_rows = rows.size();
  std::vector<SpeedTerms> terms;
  terms.reserve(rows.size());
  for (const CalibrationRow& r : rows) terms.push_back(row_terms(r));

  // Parameters the fitted rows use.
  std::vector<std::string> names;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (held_out(i)) continue;
    for (const auto& [name, v] : features(terms[i])) {
      (void)v;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      m.support[name] += 1;
    }
  }
  std::sort(names.begin(), names.end());
  const size_t K = names.size();
  auto index = [&](const std::string& n) { return size_t(std::find(names.begin(), names.end(), n) - names.begin()); };

  // Least squares on the relative error of the step time (expected / measured - 1), with a weak
  // pull towards the priors; parameters that cross their lower bound are fixed there.
  std::vector<bool> fixed(K, false);
  std::vector<double> x(K);
  for (size_t k = 0; k < K; ++k) x[k] = prior_of(names[k]);
  for (size_t round = 0; round <= K; ++round) {
    std::vector<std::vector<double>> A(K, std::vector<double>(K, 0.0));
    std::vector<double> b(K, 0.0);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (held_out(i)) continue;
      const double t_meas = 1.0 / rows[i].measured;
      std::vector<double> g(K, 0.0);
      double rhs = 1.0;
      for (const auto& [name, v] : features(terms[i])) {
        const size_t k = index(name);
        if (fixed[k]) rhs -= x[k] * v / t_meas;
        else g[k] += v / t_meas;
      }
      for (size_t a = 0; a < K; ++a) {
        if (g[a] == 0) continue;
        b[a] += g[a] * rhs;
        for (size_t c = 0; c < K; ++c) A[a][c] += g[a] * g[c];
      }
    }
    for (size_t k = 0; k < K; ++k) {
      const double w = kPriorWeight / (scale_of(names[k]) * scale_of(names[k]));
      if (fixed[k]) {
        A[k].assign(K, 0.0);
        A[k][k] = 1.0;
        b[k] = x[k];
        for (size_t a = 0; a < K; ++a) {
          if (a != k) A[a][k] = 0.0;
        }
      } else {
        A[k][k] += w;
        b[k] += w * prior_of(names[k]);
      }
    }
    x = solve(A, b);
    bool changed = false;
    for (size_t k = 0; k < K; ++k) {
      if (!fixed[k] && x[k] < lower_of(names[k])) {
        x[k] = lower_of(names[k]);
        fixed[k] = true;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (size_t k = 0; k < K; ++k) {
    m.params[names[k]] = x[k];
    m.priors[names[k]] = prior_of(names[k]);
  }

  // Errors and the spread of measured / expected by group of similar setups.
  std::vector<double> fit_err, held_err;
  std::map<std::string, std::vector<double>> ratios;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double expected = 1.0 / m.step_seconds(terms[i]);
    const double err = std::fabs(expected / rows[i].measured - 1.0);
    (held_out(i) ? held_err : fit_err).push_back(err);
    ratios[speed_group(terms[i])].push_back(rows[i].measured / expected);
  }
  m.n_fit = fit_err.size();
  m.n_heldout = held_err.size();
  m.fit_median_abs_error = median(fit_err);
  m.fit_max_abs_error = fit_err.empty() ? 0 : *std::max_element(fit_err.begin(), fit_err.end());
  m.heldout_median_abs_error = median(held_err);
  m.heldout_max_abs_error = held_err.empty() ? 0 : *std::max_element(held_err.begin(), held_err.end());
  double sum = 0;
  for (double v : held_err) sum += v;
  m.heldout_mean_abs_error = held_err.empty() ? 0 : sum / double(held_err.size());
  for (const auto& [g, v] : ratios) {
    SpeedGroupSpread s;
    s.n = v.size();
    s.lo = *std::min_element(v.begin(), v.end());
    s.hi = *std::max_element(v.begin(), v.end());
    m.spreads[g] = s;
  }
  m.version = "fitted on " + std::to_string(m.n_fit) + " of " + std::to_string(m.n_rows) +
              " published measurements in data/calibration.json (every 4th row held out)";
  return m;
}

const SpeedModel& speed_model() {
#ifdef VRAMCALC_GENERATED_CATALOG
  static const SpeedModel m = generated_speed_model();
#else
  static const SpeedModel m = fit_speed_model(calibration_rows());
#endif
  return m;
}

json to_json(const SpeedModel& m) {
  json params = json::object();
  for (const auto& [k, v] : m.params) {
    params[k] = {{"value", v}, {"prior", m.priors.at(k)}, {"rows", m.support.at(k)}};
  }
  json spreads = json::object();
  for (const auto& [k, s] : m.spreads) spreads[k] = {{"n", s.n}, {"measured_over_expected_min", s.lo}, {"measured_over_expected_max", s.hi}};
  return {{"version", m.version},
          {"rows", m.n_rows},
          {"fitted_rows", m.n_fit},
          {"heldout_rows", m.n_heldout},
          {"fit_median_abs_error", m.fit_median_abs_error},
          {"fit_max_abs_error", m.fit_max_abs_error},
          {"heldout_median_abs_error", m.heldout_median_abs_error},
          {"heldout_mean_abs_error", m.heldout_mean_abs_error},
          {"heldout_max_abs_error", m.heldout_max_abs_error},
          {"params", params},
          {"groups", spreads}};
}

}  // namespace vramcalc
