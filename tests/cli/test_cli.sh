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
expect_error "negative context" 'context must be a positive whole number (got "-5")' --model deepseek-r1 --context -5
expect_error "zero context" 'context must be at least 1 token' --model deepseek-r1 --context 0
expect_error "text context" 'context must be a positive whole number (got "lots")' --model deepseek-r1 --context lots
expect_error "huge context" 'is beyond any model' --model deepseek-r1 --context 1000000000000
expect_error "zero sequences" 'sequences must be between 1 and 4096 (got 0)' --model deepseek-r1 --sequences 0
expect_error "negative sequences" 'sequences must be a positive whole number (got "-2")' --model deepseek-r1 --sequences -2
expect_error "missing config file" 'cannot read config file' --config "$tmp/nope.json"
expect_error "empty config" 'config.json is empty' --config "$tmp/empty.json"
expect_error "truncated config" 'config.json is not valid JSON' --config "$tmp/truncated.json"
expect_error "malformed config" 'config.json is not valid JSON' --config "$tmp/malformed.json"
expect_error "negative config field" '"hidden_size" must not be negative' --config "$tmp/negative.json"
expect_error "missing config field" '"num_hidden_layers" is required' --config "$tmp/missing.json"
expect_error "no model" 'give --model ID or --config FILE' --quant Q4_K_M
expect_error "flag without value" '--context needs a value' --model deepseek-r1 --context
expect_error "bad flash-attn" '--flash-attn takes on, off or auto' --model deepseek-r1 --flash-attn maybe
expect_error "unknown flag" 'unknown argument "--fast"' --model deepseek-r1 --fast

expect_error "cost: zero calls" 'calls_per_day must be at least 1' cost --calls-per-day 0
expect_error "cost: negative price" 'input_price must not be negative' cost --input-price -0.5
expect_error "cost: text price" 'output_price must be a number (got "cheap")' cost --output-price cheap
expect_error "cost: retry 100%" 'retry_percent must be at least 0 and below 100' cost --retry-percent 100
expect_error "cost: unknown preset" 'unknown price preset "gpt"' cost --preset gpt
expect_error "cost: self-host without speed" 'decode_tokens_per_s must be more than 0' cost --devices 8 --usd-per-device-hour 2
expect_error "route: bad stage" 'stage must be prototype or production' route --stage growth
expect_error "monitor: zero median" 'median_user_spend must be more than 0' monitor --top-user-spend 5 --median-user-spend 0

expect_ok "cost" cost --calls-per-day 1000 --retry-percent 10
expect_ok "cost volumes" cost --volumes
expect_ok "route" route --stage production --calls-per-day 50000 --compliance none
expect_ok "monitor" monitor --rate-429-percent 3
expect_ok "catalog model" --model deepseek-r1 --quant Q4_K_M
expect_ok "config file" --config "$tmp/good.json" --quant Q8_0 --context 8192
expect_ok "list models" --list-models
expect_ok "list quants" --list-quants
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
# A JSON error for bad input under --json too.
if "$cli" --model nope --json 2>/dev/null | grep -q '"field":"model"'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --json error object"; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
