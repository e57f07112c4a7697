#pragma once
// The weight format a checkpoint ships in, read from its config.json's quantization_config
// (AWQ, GPTQ, FP8 with or without block scales, MXFP4, compressed-tensors, bitsandbytes) or its
// torch_dtype, and the serving format that stores weights that way.
#include <nlohmann/json_fwd.hpp>

#include "arch.hpp"
#include "quant.hpp"

namespace vramcalc {

// Throws InputError naming the field (quantization_config.bits, ...) for a malformed block.
CheckpointQuant checkpoint_quant_from_config(const nlohmann::json& cfg, const ModelArch& a);

// The format named "checkpoint": weights stored as the checkpoint's files store them.
inline constexpr const char* kCheckpointQuant = "checkpoint";
QuantFormat checkpoint_format(const ModelArch& a);

}  // namespace vramcalc
