#!/usr/bin/env bash
# The CLI's contract: exit status and the one line it prints for bad input, and the shape of --json.
set -u
cd "$(dirname "$0")/../.."
cli=${VRAMCALC_CLI:-build/vramcalc}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# expect_error "description" "expected substring of stderr" args...
expect_error() {
  local what="$1" want="$2"
  shift 2
  local err status lines
  err="$("$cli" "$@" 2>&1 >/dev/null)"
  status=$?
  lines="$(printf '%s\n' "$err" | grep -c .)"
  if [ "$status" -eq 2 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$want"* ]] && [[ "$err" != *nan* ]] && [[ "$err" != *inf* ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $what: status $status, stderr: $err (wanted: $want)"
  fi
}

expect_ok() {
  local what="$1"
  shift
  if "$cli" "$@" >"$tmp/out" 2>"$tmp/err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $what: $(cat "$tmp/err")"
  fi
}

cat >"$tmp/good.json" <<'JSON'
{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
 "vocab_size": 128256, "max_position_embeddings": 131072}
JSON
head -c 120 "$tmp/good.json" >"$tmp/truncated.json"
printf '{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096,,}' >"$tmp/malformed.json"
: >"$tmp/empty.json"
sed 's/"hidden_size": 4096/"hidden_size": -4096/' "$tmp/good.json" >"$tmp/negative.json"
sed 's/"num_hidden_layers": 32, //' "$tmp/good.json" >"$tmp/missing.json"

expect_error "unknown model" 'unknown model "gpt-5"' --model gpt-5
expect_error "unknown quant" 'unknown quantization "Q9_K"' --model deepseek-r1 --quant Q9_K
expect_error "unknown runtime" 'unknown runtime "tgi"' --model deepseek-r1 --runtime tgi
expect_error "unknown kv type" 'KV cache type "q2_k" is not available' --model deepseek-r1 --kv-type q2_k
expect_error "negative context" 'Context cannot be negative (got "-5")' --model deepseek-r1 --context -5
expect_error "zero context" 'Context must be at least 1 token (got "0")' --model deepseek-r1 --context 0
expect_error "text context" 'Context must be a whole number (got "lots")' --model deepseek-r1 --context lots
expect_error "huge context" 'is beyond any model' --model deepseek-r1 --context 1000000000000
expect_error "zero sequences" 'Concurrent sequences must be between 1 and 4096 (got 0)' --model deepseek-r1 --sequences 0
expect_error "negative sequences" 'Concurrent sequences cannot be negative (got "-2")' --model deepseek-r1 --sequences -2
expect_error "missing config file" 'cannot read config file' --config "$tmp/nope.json"
expect_error "empty config" 'config.json is empty' --config "$tmp/empty.json"
expect_error "truncated config" 'config.json is not valid JSON' --config "$tmp/truncated.json"
expect_error "malformed config" 'config.json is not valid JSON' --config "$tmp/malformed.json"
expect_error "negative config field" '"hidden_size" must not be negative' --config "$tmp/negative.json"
expect_error "missing config field" '"num_hidden_layers" is required' --config "$tmp/missing.json"
expect_error "no model" 'give --model ID, --config FILE or --gguf FILE' --quant Q4_K_M
printf 'GGUF\003\000\000\000' >"$tmp/short.gguf"
expect_error "truncated gguf" 'the GGUF header goes on past the 8 bytes read' --gguf "$tmp/short.gguf"
expect_error "not a gguf" 'does not start with "GGUF"' --gguf "$tmp/good.json"
expect_error "missing gguf" 'cannot read GGUF file' --gguf "$tmp/none.gguf"
expect_error "flag without value" '--context needs a value' --model deepseek-r1 --context
expect_error "bad flash-attn" '--flash-attn takes on, off or auto' --model deepseek-r1 --flash-attn maybe
expect_error "unknown flag" 'unknown argument "--fast"' --model deepseek-r1 --fast

expect_error "cost: zero calls" 'Calls per day must be at least 1' cost --calls-per-day 0
expect_error "cost: negative price" 'Input price ($ per million tokens) cannot be negative (got "-0.5")' cost --input-price -0.5
expect_error "cost: text price" 'Output price ($ per million tokens) must be a number (got "cheap")' cost --output-price cheap
expect_error "cost: retry 100%" 'Retry rate (%) must be at least 0 and below 100' cost --retry-percent 100
expect_error "cost: unknown preset" 'unknown price preset "gpt"' cost --preset gpt
expect_error "cost: self-host without speed" 'Decode speed (tokens/s) must be more than 0' cost --devices 8 --usd-per-device-hour 2
expect_error "route: bad stage" 'Stage must be prototype or production (got "growth")' route --stage growth
expect_error "monitor: zero median" 'Spend of the median user must be more than 0' monitor --top-user-spend 5 --median-user-spend 0

expect_ok "cost" cost --calls-per-day 1000 --retry-percent 10
expect_ok "cost volumes" cost --volumes
expect_ok "route" route --stage production --calls-per-day 50000 --compliance none
expect_ok "monitor" monitor --rate-429-percent 3
expect_error "unknown device" 'unknown device "rtx-9090"' --model deepseek-r1 --gpu rtx-9090
expect_error "zero devices" 'Number of devices must be between 1 and 64 (got 0)' --model deepseek-r1 --gpu h100-sxm --gpus 0
expect_error "negative devices" 'Number of devices cannot be negative (got "-2")' --model deepseek-r1 --gpu h100-sxm --gpus -2
expect_error "zero bandwidth" 'GPU bandwidth (GB/s) must be more than 0 (got "0")' --model deepseek-r1 --custom-gpu 24:0
expect_error "malformed custom gpu" '--custom-gpu takes MEM_GB:BW_GBPS' --model deepseek-r1 --custom-gpu 24
# Too little RAM is a verdict, not an input error: exit 0, the plan does not fit, and says where.
if out="$("$cli" --model deepseek-r1 --gpu rtx-4090 --offload experts --ram-gb 64 2>&1)" &&
  [[ "$out" == *"verdict: does not fit"* ]] && [[ "$out" == *"does not fit in system RAM"* ]]; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: RAM too small: $out"
fi
expect_error "bad offload" '--offload takes none, layers or experts' --model deepseek-r1 --gpu rtx-4090 --offload disk
expect_error "offload on vLLM" 'offload to RAM is modelled for llama.cpp' --model deepseek-r1 --quant INT4 --runtime vllm --gpu h100-sxm --offload layers
expect_error "gpus without a device" 'needs a device' --model deepseek-r1 --gpus 4

expect_ok "catalog model" --model deepseek-r1 --quant Q4_K_M
expect_ok "list gpus" --list-gpus
expect_ok "plan table" --model deepseek-r1 --quant FP8-block --runtime vllm --gpu h100-sxm --gpus 16
expect_ok "expert offload" --model deepseek-r1 --gpu rtx-4090 --offload experts --ram-gb 512
expect_ok "suggest gpu" --model deepseek-r1-distill-qwen-14b --suggest-gpu
expect_ok "config file" --config "$tmp/good.json" --quant Q8_0 --context 8192
expect_ok "list models" --list-models

# --safetensors reads only the length prefix and the JSON header of each file.
node -e '
  const fs = require("fs");
  const h = Buffer.from(JSON.stringify({"model.embed_tokens.weight": {dtype: "BF16", shape: [16, 8], data_offsets: [0, 256]}}));
  const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length));
  fs.writeFileSync(process.argv[1] + "/ok.safetensors", Buffer.concat([len, h, Buffer.alloc(256)]));
  fs.writeFileSync(process.argv[1] + "/short.safetensors", Buffer.concat([len, h, Buffer.alloc(100)]));
  fs.writeFileSync(process.argv[1] + "/bad.safetensors", Buffer.from("GGUF not this"));
' "$tmp"
expect_ok "safetensors header" --safetensors "$tmp/ok.safetensors"
expect_error "truncated safetensors" 'short.safetensors: the file is truncated' --safetensors "$tmp/short.safetensors"
expect_error "not safetensors" 'bad.safetensors: the header length' --safetensors "$tmp/bad.safetensors"
expect_error "safetensors without files" '--safetensors needs at least one' --safetensors
if "$cli" --safetensors "$tmp/ok.safetensors" --json | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    process.exit(r.params === 128 && r.bytes === 256 && r.by_dtype[0].dtype === "BF16" ? 0 : 1)'; then
  pass=$((pass + 1))
else
  fail=$((fail + 1)); echo "FAIL: safetensors --json counts"
fi
expect_ok "other model by id" --model gemma-3-27b --quant Q4_K_M --context 8192
expect_ok "list quants" --list-quants
expect_ok "IQ preset" --model deepseek-r1 --quant IQ1_S --imatrix on
expect_ok "custom mix" --model deepseek-r1 --quant IQ1_S --mix 'token_embd=Q4_K,output=Q6_K,attn=Q4_K,ffn=Q6_K,shexp=Q6_K,exps=IQ1_S,exps.down=Q2_K,exps.down@0-2=Q3_K'
expect_error "mix: unknown group" 'unknown group "expz"' --model deepseek-r1 --mix 'expz=Q4_K'
expect_error "mix: unknown type" 'unknown type "Q9_K" for group exps' --model deepseek-r1 --mix 'exps=Q9_K'
expect_error "mix: range past the layers" "goes past the model's 61 layers" --model deepseek-r1 --mix 'exps.down@0-99=Q3_K'
expect_error "mix over a GPU format" "needs a GGUF preset" --model deepseek-r1 --quant BF16 --mix 'exps=Q4_K'
printf 'GGUF\x03\x00\x00\x00' >"$tmp/cut-00001-of-00002.gguf"
expect_error "gguf: truncated shard" "cut-00001-of-00002.gguf: the GGUF header goes on" --gguf "$tmp/cut-00001-of-00002.gguf"
expect_error "gguf: no file" "--gguf needs a file" --gguf --quant Q4_K_M
if "$cli" --help | grep -q -- "--mix SPEC"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --help lacks --mix"; fi
expect_ok "help" --help

# --json prints one object with the contract's fields, and the total is the sum of the parts.
if "$cli" --model deepseek-r1-distill-qwen-32b --quant Q4_K_M --context 32768 --json >"$tmp/r.json" &&
   node -e '
     const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
     const need = ["params_total","params_active","weights_bytes","file_bytes","kv_bytes_per_token","kv_cache_bytes",
                   "compute_buffer_bytes","overhead_bytes","total_bytes","assumptions","warnings","breakdown"];
     for (const k of need) if (!(k in r)) throw new Error("missing " + k);
     if (r.total_bytes !== r.weights_bytes + r.kv_cache_bytes + r.overhead_bytes) throw new Error("total is not the sum");
   ' "$tmp/r.json"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: --json contract"
fi
# With a device, --json adds "plan" and "speed": per-device parts, the verdict and the minimum layout.
if "$cli" --model deepseek-r1 --quant FP8-block --runtime vllm --gpu h100-sxm --gpus 8 --json >"$tmp/p.json" &&
   node -e '
     const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
     const p = r.plan, s = r.speed;
     if (!p || !s) throw new Error("missing plan or speed");
     if (p.devices.length !== 8 || p.layout.tp !== 8) throw new Error("expected TP8 on 8 GPUs");
     if (p.fits !== false || !(p.shortfall_bytes > 0)) throw new Error("R1 FP8 should not fit 8 H100s");
     if (p.minimum.count !== 16 || p.minimum.pp !== 2) throw new Error("minimum should be TP8 x PP2");
     if (s.upper_bound !== true || !(s.decode_tokens_per_s_per_sequence > 0)) throw new Error("speed missing");
   ' "$tmp/p.json"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: --json plan contract"
fi
if "$cli" --model deepseek-r1-distill-qwen-7b --json | node -e '
     const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
     if ("plan" in r || "speed" in r) throw new Error("plan without a device");'; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: plan only with a device"
fi
# A JSON error for bad input under --json too.
if "$cli" --model nope --json 2>/dev/null | grep -q '"field":"model"'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --json error object"; fi
if "$cli" --model deepseek-r1 --custom-gpu 24:0 --json 2>/dev/null | grep -q '"field":"custom_gpu.bandwidth_gb_per_s"'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --json error names the custom_gpu field"; fi

# Hostile bytes: a GGUF header whose tensor name is not UTF-8 (the input that aborted the core), a
# config file and an argument that are not UTF-8, a 10,000-character model id.
printf 'R0dVRgMAAAAhAAAAAAAAAAAAAAAAAAAAIQAAAAAAAADeeGFiaXYxMjBfX3NpX2NsYXNzX3lwZV9pbgAAAABfaW4AAAAA' | base64 -d >"$tmp/bad-name.gguf"
expect_error "GGUF tensor name not UTF-8" 'has 0 dimensions' --gguf "$tmp/bad-name.gguf"
printf '{"architectures": ["\377\376Llama"], "hidden_size": 4096}' >"$tmp/latin1.json"
expect_error "config not UTF-8" 'architecture "��Llama" is not supported' --config "$tmp/latin1.json"
expect_error "model id not UTF-8" 'unknown model "r1' --model "$(printf 'r1\377')"
expect_error "long model id" '(10000 characters)' --model "$(head -c 10000 /dev/zero | tr '\0' x)"
expect_error "bandwidth far too low" 'GPU bandwidth (GB/s) must be at least 1' --model deepseek-r1 --custom-gpu 24:1e-9
if "$cli" --model "$(printf 'r1\377')" --json 2>/dev/null | node -e '
     const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
     if (r.error.field !== "model" || !r.error.message.includes("\ufffd")) throw new Error("no U+FFFD");'; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: --json error for an argument that is not UTF-8"
fi
# Counts in --json are integers, and a huge self-hosting volume keeps whole replicas within 100% busy.
if "$cli" cost --calls-per-day 1e12 --output-tokens 1e6 --devices 8 --usd-per-device-hour 2.95 \
     --decode-tokens-per-s 100 --prefill-tokens-per-s 50000 --json | node -e '
     const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
     const s = r.self_host;
     if (!Number.isInteger(s.replicas_needed) || s.replicas_needed < 2 ** 32) throw new Error("replicas " + s.replicas_needed);
     if (!(s.utilization <= 1)) throw new Error("busy " + s.utilization);
     if (!Number.isInteger(r.api.calls_per_month) || !Number.isInteger(r.api.output_tokens_per_month)) throw new Error("counts");'; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: cost at a huge volume"
fi
if "$cli" cost --volumes --json | grep -q '"input_tokens_per_month":1000000,'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: whole token counts in --json"; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
