#pragma once
// The architecture families arch_from_hf_config knows: one row per family with the Hugging Face
// class names and model types that select it, the llama.cpp architecture it converts to, and the
// reader of its family-specific config fields. The tensor list of each family follows from the
// layout flags the reader sets (tensors.cpp), as llama.cpp keeps one tensor list per architecture.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "arch.hpp"

namespace vramcalc::detail {

struct ArchFamily {
  const char* label;  // for people: "Gemma 3"
  const char* arch;   // llama.cpp architecture
  std::vector<const char*> classes;
  std::vector<const char*> model_types;
  bool tied_default;  // tie_word_embeddings when the config leaves it out (the config class default)
  // The text config class's defaults for fields published configs leave out (JSON), or nullptr.
  const char* text_defaults;
  // Reads the family's fields from the text model's config (after the common ones).
  void (*read)(const nlohmann::json& cfg, ModelArch& a);
};

const std::vector<ArchFamily>& arch_families();

// Parameters of a vision tower and its projector onto the text model (Gemma 3's SigLIP, Llama 4's
// vision encoder) from vision_config; 0 when the tower's kind is not known (what says so).
uint64_t vision_params(const nlohmann::json& vision_cfg, const std::string& family_arch, uint64_t text_hidden,
                       std::string* what);

}  // namespace vramcalc::detail
