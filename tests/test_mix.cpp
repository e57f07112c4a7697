// Custom per-group mixes over a preset: which tensors each group names (hand-derived from the
// layouts in core/tensors.cpp and ggml-common.h's block sizes), and the errors a user sees.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "catalog.hpp"
#include "errors.hpp"
#include "helpers.hpp"
#include "mix.hpp"

using namespace vramcalc;

namespace {

vramcalc::Estimate mixed(const std::string& model, const std::string& quant, const std::string& mix,
                         const std::string& runtime = "llama.cpp") {
  vramcalc::EstimateRequest r;
  r.model = model;
  r.quant = quant;
  r.runtime = runtime;
  r.imatrix = true;
  apply_mix(r, mix);
  return vramcalc::estimate(r);
}

std::map<std::string, uint64_t> counts(const vramcalc::Estimate& e) {
  std::map<std::string, uint64_t> out;
  for (const WeightPart& p : e.weights.parts()) out[p.label] = p.tensors;
  return out;
}

std::string mix_error(const std::string& model, const std::string& mix) {
  try {
    mixed(model, "Q4_K_M", mix);
  } catch (const InputError& e) {
    CHECK(e.field() == "mix");
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a mix over DeepSeek-R1 gives each group its type; unnamed tensors keep the preset's rules") {
  // Legacy layout (61 layers, 3 dense): per layer attn_q_a, attn_q_b, attn_kv_a_mqa, attn_kv_b,
  // attn_output (5 x 61 = 305) and per MoE layer three shared-expert and three routed matrices.
  const vramcalc::Estimate e = mixed("deepseek-r1", "IQ1_S",
                                     "token_embd=Q4_K,output=Q6_K,attn=Q4_K,ffn=Q6_K,shexp=Q6_K,exps=IQ1_S,"
                                     "exps.down=Q2_K,exps.down@0-2=Q3_K",
                                     "llama.cpp-legacy");
  const auto c = counts(e);
  CHECK(c.at("Q4_K") == 305 + 1);       // attention + token_embd
  CHECK(c.at("Q6_K") == 9 + 174 + 1);   // dense FFN (3 x 3) + shared experts (58 x 3) + output
  CHECK(c.at("Q2_K") == 58);            // exps.down: layers 0-2 are dense, so @0-2 names none
  CHECK(c.at("IQ1_S") == 116);          // routed gate and up
  CHECK(c.at("F32") == 361);
  CHECK(c.count("Q3_K") == 0);
  CHECK(e.weights.mixed_tensors == 305 + 1 + 9 + 174 + 1 + 58 + 116);
  // Routed experts' bytes: 58 layers x 256 experts x 7168 x 2048 values, IQ1_S 50 B / 256 values.
  uint64_t iq1 = 0;
  for (const WeightPart& p : e.weights.parts()) {
    if (std::string(p.label) == "IQ1_S") iq1 = p.bytes;
  }
  CHECK(iq1 == 2ull * 58 * 256 * 7168 * 2048 / 256 * 50);
}

TEST_CASE("the most specific entry wins: a layer range over none, a part over its group") {
  const vramcalc::Estimate e = mixed("deepseek-r1", "Q4_K_M", "exps.down@3-4=Q8_0,exps=IQ2_XXS,exps.down=Q3_K", "llama.cpp-legacy");
  const auto c = counts(e);
  CHECK(c.at("Q8_0") == 2);
  CHECK(c.at("Q3_K") == 56);
  CHECK(c.at("IQ2_XXS") == 116);
  // Equally specific: the last one.
  CHECK(counts(mixed("deepseek-r1", "Q4_K_M", "exps=Q2_K,exps=Q3_K", "llama.cpp-legacy")).at("Q3_K") == 174);
}

TEST_CASE("a mix on a dense distill: ffn parts, and a tied or untied output") {
  // Llama-8B: 32 layers of ffn_gate / ffn_up / ffn_down; a range of 4 layers.
  const auto c = counts(mixed("deepseek-r1-distill-llama-8b", "Q4_K_M", "ffn.down@0-3=Q8_0,ffn.gate_up=Q3_K,output=Q8_0"));
  CHECK(c.at("Q8_0") == 4 + 1);
  CHECK(c.at("Q3_K") == 64);
  // Unnamed tensors keep Q4_K_M's rules: ffn_down of layers 4-31 by use_more_bits, attn_v too.
  CHECK(c.at("Q6_K") > 0);
}

TEST_CASE("rows that are not whole blocks of the mix's type fall back as llama-quantize does") {
  // attn_k_b has rows of 128 values (split layout): IQ1_S falls back to IQ4_NL.
  const vramcalc::Estimate e = mixed("deepseek-r1", "Q4_K_M", "attn=IQ1_S");
  CHECK(counts(e).at("IQ4_NL") == 61);
  CHECK(e.weights.fallback_tensors == 61);
}

TEST_CASE("mix errors name the entry, the group or the type") {
  CHECK(mix_error("deepseek-r1", "expz=Q4_K").find("unknown group \"expz\"") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps=Q9_K").find("unknown type \"Q9_K\" for group exps") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps=Q8_K").find("unknown type") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps").find("has no \"=\"") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps=").find("group exps has no type") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "").find("empty") != std::string::npos);
  CHECK(mix_error("deepseek-r1", " , ,").find("empty") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps@5-2=Q4_K").find("runs backwards") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps@0-61=Q4_K").find("61 layers (0-60)") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps@a-b=Q4_K").find("FIRST-LAST") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "exps@=Q4_K").find("FIRST-LAST") != std::string::npos);
  CHECK(mix_error("deepseek-r1", "output@0-1=Q4_K").find("takes no @FIRST-LAST") != std::string::npos);
  CHECK(mix_error("deepseek-r1", std::string(5000, 'x')).find("4096") != std::string::npos);
  std::string many;
  for (int i = 0; i < 70; ++i) many += "exps=Q4_K,";
  CHECK(mix_error("deepseek-r1", many).find("64 entries") != std::string::npos);
  // Control characters in a message are shown as their visible symbols (U+2401 for 0x01).
  CHECK(mix_error("deepseek-r1", std::string("ex\x01ps=Q4_K")).find("ex\xE2\x90\x81ps") != std::string::npos);
  // Case does not matter.
  CHECK(mix_error("deepseek-r1", "EXPS=q4_k").empty());
}

TEST_CASE("a mix needs a GGUF base preset; the JSON names the mix and its group") {
  vramcalc::EstimateRequest r;
  r.model = "deepseek-r1";
  r.quant = "BF16";
  CHECK_THROWS_AS(apply_mix(r, "exps=Q4_K"), InputError);
  const nlohmann::json out = vramcalc::estimate_json_value({{"model", "deepseek-r1"}, {"quant", "Q4_K_M"}, {"mix", "exps=IQ2_XXS"}});
  REQUIRE(out.contains("quant"));
  CHECK(out["quant"]["group"] == "mix");
  CHECK(out["quant"]["mix"] == "exps=IQ2_XXS");
  CHECK(out["weights_bytes"].get<uint64_t>() < testing::run("deepseek-r1", "Q4_K_M").weights.bytes);
  const nlohmann::json bad = testing::error_of({{"model", "deepseek-r1"}, {"mix", "exps=nope"}});
  CHECK(bad["field"] == "mix");
  // An unknown base preset is quoted by its first characters, however long (the fuzzer's input:
  // 2,400 characters echoed whole).
  const nlohmann::json long_base = testing::error_of({{"model", "deepseek-r1"}, {"quant", std::string(3000, 'Q')}, {"mix", "exps=IQ1_S"}});
  CHECK(long_base["field"] == "quant");
  CHECK(long_base["message"].get<std::string>().size() < 200);
  CHECK(long_base["message"].get<std::string>().find("(3000 characters)") != std::string::npos);
  // The first-result module has no mix parser: it says so instead of ignoring the field.
  const nlohmann::json small = nlohmann::json::parse(
      vramcalc::estimate_json_without_hardware(R"({"model": "deepseek-r1", "mix": "exps=Q4_K"})"));
  CHECK(small["error"]["code"] == "needs_planner");
  CHECK(small["error"]["field"] == "mix");
}
