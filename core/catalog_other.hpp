#pragma once
// The catalogue of popular open models beyond the DeepSeek-R1 family (data/models_other.json):
// kept apart from the first-result catalogue, so only the extras module, the CLI and the tests
// carry it. Each model is a config.json read by arch_from_hf_config, with its published counts.
#include <cstdint>
#include <string>
#include <vector>

#include "arch.hpp"
#include "estimate.hpp"
#include "tensors.hpp"

namespace vramcalc {

struct OtherModel {
  ModelArch arch;                 // arch.family is "other"; group says which family it belongs to
  std::string group;              // llama, qwen, mistral, gemma, gpt-oss, phi, llama4, glm, kimi, deepseek
  std::string hf_repo;
  std::string params_official;
  std::string params_active_official;
  std::string note;
  double params_published = 0;         // the published count the tests check (params_source)
  double params_active_published = 0;  // 0: none published
  bool published_includes_vision = false;
  bool published_includes_mtp = false;
  ParamCounts params;
  uint64_t params_mtp = 0;
};

const std::vector<OtherModel>& other_models();
const OtherModel* find_other_model(const std::string& id);  // case-insensitive

// A request for one of these models by id (not a catalogue model of the first-result module):
// its architecture as the request's custom config, named so the core may keep its weights.
void resolve_other_model(EstimateRequest& r);

// {"models": [{id, name, group, hf_repo, params_official, params_active_official, context_max,
//   arch, attention, moe, params_total, params_active, params_vision, params_mtp, note}]}
std::string other_models_json_text();

// Parses a catalogue text (used by other_models() and by tests of the data file).
std::vector<OtherModel> parse_other_models(const std::string& text);

}  // namespace vramcalc
