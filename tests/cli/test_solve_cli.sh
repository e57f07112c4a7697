#!/usr/bin/env bash
# The solvers' CLI contract (--max-context, --best-quant, fit, --sweep, reasoning, --command): the
# JSON fields the page and outside checks read, and one line naming the field for bad input.
set -u
cd "$(dirname "$0")/../.."
cli=${VRAMCALC_CLI:-build/vramcalc}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

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

# expect_json "description" 'node check on r' args...
expect_json() {
  local what="$1" check="$2"
  shift 2
  if "$cli" "$@" --json >"$tmp/out.json" 2>"$tmp/err" &&
     node -e "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); $check" "$tmp/out.json"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $what: $(cat "$tmp/err")"
  fi
}

expect_error "max context without a device" 'needs a device' --model deepseek-r1-distill-qwen-7b --max-context
expect_error "fit without a device" 'needs a device' fit --ram-gb 64
expect_error "device below one layer" 'cannot hold even one layer' --model deepseek-r1-distill-llama-70b --custom-gpu 0.2:100 --max-context
expect_error "fit: device below one layer" 'cannot hold even one layer' fit --custom-gpu 0.05:100
expect_error "zero minimum speed" 'min_speed must be more than 0' fit --gpu rtx-4090 --min-speed 0
expect_error "negative minimum speed" 'min_speed must be' fit --gpu rtx-4090 --min-speed -5
expect_error "thinking beyond the context" 'thinking_tokens of 9000000 is beyond' reasoning --model deepseek-r1-distill-qwen-7b --gpu rtx-4090 --thinking-tokens 9000000
expect_error "sweep without offload" 'the sweep needs --offload experts' --model deepseek-r1 --gpu rtx-4090 --sweep
expect_error "minimum speed without value" '--min-speed needs a value' fit --gpu rtx-4090 --min-speed

expect_json "max context" '
  if (!Number.isInteger(r.max_context) || r.max_context <= 0) throw new Error("max_context");
  if (r.max_context_binding !== "device") throw new Error("binding " + r.max_context_binding);
  if (r.max_context % 256 !== 0) throw new Error("llama.cpp pads the cache to 256 cells");' \
  --model deepseek-r1-distill-qwen-32b --quant Q4_K_M --gpu rtx-4090 --max-context
expect_json "max context, experts in RAM" '
  if (typeof r.max_context_binding !== "string") throw new Error("binding");' \
  --model deepseek-r1 --quant Q2_K --gpu rtx-4090 --gpus 2 --offload experts --ram-gb 384 --runtime llama.cpp --sequences 2 --max-context
expect_json "best quant" '
  if (typeof r.best_quant !== "string" || !Array.isArray(r.alternatives)) throw new Error("best_quant/alternatives");
  if (r.quant.name !== r.best_quant) throw new Error("the estimate is the best format");' \
  --model deepseek-r1-distill-llama-70b --gpu rtx-4090 --gpus 2 --ram-gb 64 --runtime llama.cpp --context 16384 --best-quant
expect_json "fit" '
  for (const k of ["machine", "rows", "recommendation"]) if (!(k in r)) throw new Error("missing " + k);
  for (const k of ["model","quant","runtime","verdict","max_context","decode_tokens_per_s","vram_bytes","ram_bytes"])
    if (!(k in r.rows[0])) throw new Error("row missing " + k);
  if (r.recommendation && r.rows[0].model !== r.recommendation.model) throw new Error("recommendation first");' \
  fit --gpu rtx-4090 --ram-gb 64 --host cpu-ddr5-5600-2ch --runtime llama.cpp --context 16384 --min-speed 10
expect_json "fit: the R1 family alone by default" '
  if (r.rows.some((x) => x.group !== "r1")) throw new Error("only the R1 family");' \
  fit --gpu rtx-4090 --ram-gb 64
expect_json "fit --other-models: the other open models as their own group" '
  const other = r.rows.filter((x) => x.group === "other");
  if (!other.some((x) => x.model === "llama-3.1-8b")) throw new Error("Llama 3.1 8B among the other models");
  if (!r.rows.some((x) => x.group === "r1")) throw new Error("the R1 family stays");' \
  fit --gpu rtx-4090 --ram-gb 64 --other-models
expect_json "max context of an other model" '
  if (!(r.max_context > 0)) throw new Error("a max context");
  if (r.model.name !== "Llama 3.1 8B") throw new Error("the model");' \
  --model llama-3.1-8b --gpu rtx-4090 --max-context
expect_json "sweep" '
  if (!r.sweep || !Array.isArray(r.sweep.points) || r.sweep.points.length < 2) throw new Error("sweep");
  if (r.sweep.points[0].cpu_moe_layers !== 0) throw new Error("starts with all experts on the GPUs");' \
  --model deepseek-r1 --quant Q2_K --gpu rtx-4090 --offload experts --ram-gb 512 --sweep
expect_json "reasoning" '
  for (const k of ["context_needed","fits","time_to_first_answer_token_s","time_total_s","assumptions"])
    if (!(k in r)) throw new Error("missing " + k);
  if (r.context_needed !== 500 + 3000 + 200) throw new Error("context_needed");
  if (!(r.time_total_s > r.time_to_first_answer_token_s)) throw new Error("times");' \
  reasoning --model deepseek-r1-distill-qwen-7b --quant Q4_K_M --gpu rtx-4090 --prompt-tokens 500 --thinking-tokens 3000 --answer-tokens 200
expect_json "command" '
  const c = r.launch_commands && r.launch_commands["llama.cpp"];
  if (!c || !c.startsWith("llama-server ") || !c.includes(" -c 8192 ")) throw new Error("launch_commands " + c);' \
  --model deepseek-r1-distill-qwen-7b --gpu rtx-4090 --context 8192 --command

echo "solver cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
