#pragma once
// Custom quantization mixes: a type per tensor group (optionally per layer range) over a
// llama-quantize preset, as ik_llama.cpp's --custom-q, llama-quantize's --tensor-type and
// unsloth's dynamic quants set them.
//
// Text form: comma-separated GROUP[@FIRST-LAST]=TYPE entries, e.g.
//   token_embd=Q4_K,output=Q6_K,attn=Q4_K,ffn=Q6_K,shexp=Q6_K,exps=IQ1_S,exps.down=Q2_K,exps.down@0-2=Q3_K
// Groups: token_embd, output, attn (every attention matrix), ffn (dense layers' FFN; ffn.gate_up,
// ffn.down), shexp (shared experts; shexp.gate_up, shexp.down), exps (routed experts;
// exps.gate_up, exps.down). TYPE is a ggml type (Q4_K, IQ1_S, Q8_0, F16, ...). The most specific
// entry wins (a layer range over none, a part such as exps.down over its group), then the last.
// Tensors no entry names keep the base preset's rules; norms and the router stay F32.
#include <cstdint>
#include <string>

#include "estimate.hpp"
#include "quant.hpp"

namespace vramcalc {

// The mix as a format over base. n_layer > 0 checks layer ranges against the model. Throws
// InputError (field "mix") naming the entry, the group or the type that is wrong.
QuantFormat parse_mix(const std::string& text, const QuantFormat& base, const GgmlTypeTable& types, uint32_t n_layer);

// Sets r.mix_format from the text over r.quant (the base preset) and r's model, for estimate().
void apply_mix(EstimateRequest& r, const std::string& text);

// The syntax, for --help and the page.
const char* mix_syntax_help();

}  // namespace vramcalc
