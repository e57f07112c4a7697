#include "checkpoint_quant.hpp"

#include <nlohmann/json.hpp>

#include "config_read.hpp"

namespace vramcalc {

using nlohmann::json;
using namespace config;

namespace {

std::string num(uint64_t v) { return std::to_string(v); }

// Whether an ignore list (compressed-tensors "ignore", transformers "modules_to_not_convert")
// leaves attention out of the quantization: then, in a mixture of experts, only the routed
// experts are quantized (gpt-oss, Kimi K2 Thinking list self_attn, the router and shared experts).
bool ignores_attention(const json& q, const char* key) {
  auto it = q.find(key);
  if (it == q.end() || !it->is_array()) return false;
  for (const json& m : *it) {
    if (m.is_string() && m.get<std::string>().find("attn") != std::string::npos) return true;
  }
  return false;
}

uint32_t bits_of_dtype(const std::string& dtype) {
  if (dtype == "float32") return 32;
  if (dtype == "float8_e4m3fn" || dtype == "float8_e5m2") return 8;
  return 16;  // bfloat16, float16
}

// compressed-tensors (llm-compressor): config_groups.*.weights {num_bits, type, strategy,
// group_size, symmetric, block_structure}. Scales are stored in the model dtype (2 bytes) for
// integer weights and in float32 for FP8 weights.
void read_compressed_tensors(const json& q, CheckpointQuant& c) {
  auto groups = q.find("config_groups");
  if (groups == q.end() || !groups->is_object() || groups->empty()) {
    bad_field("quantization_config.config_groups", "must hold at least one group with its weights scheme", nullptr);
  }
  const json& g = groups->begin().value();
  if (!g.is_object() || !g.contains("weights") || !g["weights"].is_object()) {
    bad_field("quantization_config.config_groups", "must give each group a \"weights\" scheme", &g);
  }
  const json& w = g["weights"];
  c.bits = read_u32(w, "num_bits", 1, 32);
  const bool is_float = read_string_or(w, "type", "int") == "float";
  const std::string strategy = read_string_or(w, "strategy", "tensor");
  c.scale_bytes = is_float ? 4 : 2;
  if (strategy == "group" || strategy == "tensor_group") {
    c.group_size = read_u32(w, "group_size", 1, kMaxWidth);
  } else if (strategy == "block") {
    auto bs = w.find("block_structure");
    if (bs == w.end() || !bs->is_array() || bs->size() != 2 || !(*bs)[0].is_number_unsigned() || !(*bs)[1].is_number_unsigned()) {
      bad_field("quantization_config.weights.block_structure", "must be [rows, columns]", bs == w.end() ? nullptr : &*bs);
    }
    c.block_rows = (*bs)[0].get<uint32_t>();
    c.block_cols = (*bs)[1].get<uint32_t>();
    if (c.block_rows == 0 || c.block_cols == 0) bad_field("quantization_config.weights.block_structure", "must be positive", &*bs);
  } else if (strategy == "channel") {
    c.per_channel = true;
  } else {
    c.per_tensor = true;
  }
  if (!is_float && !read_bool_or(w, "symmetric", true)) c.zero_bits = c.bits;
  c.experts_only = ignores_attention(q, "ignore");
  c.description = std::string(is_float ? "FP" : "INT") + num(c.bits) + " weights (compressed-tensors, " + strategy +
                  (c.group_size ? " of " + num(c.group_size) : "") + (c.zero_bits ? ", asymmetric" : "") + ")";
}

}  // namespace

CheckpointQuant checkpoint_quant_from_config(const json& cfg, const ModelArch& a) {
  CheckpointQuant c;
  c.other_bits = bits_of_dtype(a.torch_dtype);
  c.bits = c.other_bits;
  auto it = cfg.find("quantization_config");
  if (it == cfg.end() || it->is_null()) {
    c.description = a.torch_dtype + " weights (torch_dtype; no quantization_config)";
    return c;
  }
  if (!it->is_object()) bad_field("quantization_config", "must be an object", &*it);
  const json& q = *it;
  c.method = read_string_or(q, "quant_method", "");
  if (c.other_bits == 32) c.other_bits = 16;  // quantized checkpoints keep the rest in 16 bits
  if (c.method == "fp8") {
    // DeepSeek-V3/R1, Kimi K2, GLM-4.5-FP8: E4M3 weights with float32 weight_scale_inv, in
    // 128x128 blocks when weight_block_size is given (README_WEIGHTS.md), else one per tensor.
    c.bits = 8;
    c.scale_bytes = 4;
    auto bs = q.find("weight_block_size");
    if (bs != q.end() && !bs->is_null()) {
      if (!bs->is_array() || bs->size() != 2 || !(*bs)[0].is_number_unsigned() || !(*bs)[1].is_number_unsigned() ||
          (*bs)[0].get<uint64_t>() == 0 || (*bs)[1].get<uint64_t>() == 0) {
        bad_field("quantization_config.weight_block_size", "must be [rows, columns] of positive whole numbers", &*bs);
      }
      c.block_rows = (*bs)[0].get<uint32_t>();
      c.block_cols = (*bs)[1].get<uint32_t>();
      c.description = "FP8 E4M3 weights with a float32 scale per " + num(c.block_rows) + "x" + num(c.block_cols) +
                      " block (quantization_config)";
    } else {
      c.per_tensor = true;
      c.description = "FP8 E4M3 weights with one float32 scale per tensor (quantization_config)";
    }
    c.experts_only = ignores_attention(q, "modules_to_not_convert");
  } else if (c.method == "awq" || c.method == "gptq") {
    // AutoAWQ / AutoGPTQ: qweight int32-packed, fp16 scales per group, packed zero points per
    // group (GPTQ stores qzeros even when symmetric; AWQ when zero_point is true).
    c.bits = read_u32(q, "bits", 1, 16);
    const json& gs = q.contains("group_size") ? q["group_size"] : json();
    if (gs.is_number_integer() && gs.get<int64_t>() == -1) {
      c.per_channel = true;
    } else {
      c.group_size = read_u32(q, "group_size", 1, kMaxWidth);
    }
    c.scale_bytes = 2;
    const bool zeros = c.method == "gptq" || read_bool_or(q, "zero_point", true);
    c.zero_bits = zeros ? c.bits : 0;
    c.description = "INT" + num(c.bits) + " weights (" + c.method + ", " +
                    (c.per_channel ? std::string("one scale per channel") : "groups of " + num(c.group_size)) +
                    ", fp16 scales" + (zeros ? ", packed zero points" : "") + ")";
  } else if (c.method == "mxfp4") {
    // gpt-oss: the experts in MXFP4 (OCP Microscaling: 32 FP4 E2M1 values share one E8M0 scale
    // byte, so 17 bytes per 32 values); modules_to_not_convert keeps attention, router,
    // embeddings and head in BF16.
    c.bits = 4;
    c.group_size = 32;
    c.scale_bytes = 1;
    c.experts_only = a.is_moe();
    c.description = std::string("MXFP4 ") + (c.experts_only ? "experts" : "weights") +
                    " (32 FP4 values + 1 scale byte per block), the rest in " + a.torch_dtype;
  } else if (c.method == "compressed-tensors") {
    read_compressed_tensors(q, c);
  } else if (c.method == "bitsandbytes") {
    // bitsandbytes 4-bit: blocks of 64 with a float32 absmax (8-bit with a second-level float32
    // per 256 blocks under double quantization); 8-bit: one float32 scale per row.
    if (read_bool_or(q, "load_in_4bit", false)) {
      c.bits = 4;
      c.group_size = 64;
      c.scale_bytes = read_bool_or(q, "bnb_4bit_use_double_quant", false) ? 1 : 4;
      c.description = "bitsandbytes " + read_string_or(q, "bnb_4bit_quant_type", "fp4") + " 4-bit weights in blocks of 64";
    } else {
      c.bits = 8;
      c.per_channel = true;
      c.scale_bytes = 4;
      c.description = "bitsandbytes int8 weights, one scale per row";
    }
  } else {
    bad_field("quantization_config.quant_method",
              "is not one this calculator reads (awq, gptq, fp8, mxfp4, compressed-tensors, bitsandbytes): pick a format instead",
              q.contains("quant_method") ? &q["quant_method"] : nullptr);
  }
  return c;
}

QuantFormat checkpoint_format(const ModelArch& a) {
  const CheckpointQuant& c = a.checkpoint;
  QuantFormat q;
  q.name = kCheckpointQuant;
  q.gguf = false;
  q.nominal_bits = c.bits;
  q.description = "as the checkpoint ships: " + c.description;
  q.linear_bits = c.bits;
  q.other_bits = c.other_bits;
  q.scale_bytes = c.scale_bytes;
  q.zero_bits = c.zero_bits;
  q.experts_only = c.experts_only;
  if (c.block_rows) {
    q.scale_block = ScaleBlock::block2d;
    q.block_rows = c.block_rows;
    q.block_cols = c.block_cols;
  } else if (c.group_size) {
    q.scale_block = ScaleBlock::group;
    q.group_size = c.group_size;
  } else if (c.per_channel) {
    q.scale_block = ScaleBlock::row;
  } else if (c.per_tensor) {
    q.scale_block = ScaleBlock::tensor;
  }
  if (c.method.empty()) q.scale_block = ScaleBlock::none;
  return q;
}

}  // namespace vramcalc
