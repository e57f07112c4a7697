// Writes the GGUF seed corpus: small but well-formed GGUF v3 headers (ggml docs/gguf.md layout:
// magic, version, tensor count, key/value count, key/values, tensor infos) with the keys
// llama.cpp's converter writes, for each architecture the reader supports. Tensor shapes are
// shrunk so each seed is a few kilobytes; the fuzzer mutates from there.
//   node tests/fuzz/corpus/make-gguf-seeds.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), 'gguf_header');
mkdirSync(out, { recursive: true });

class Writer {
  constructor() { this.parts = []; }
  bytes(b) { this.parts.push(Buffer.from(b)); }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.bytes(b); }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.bytes(b); }
  f32(v) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.bytes(b); }
  str(s) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.bytes(b); }
  done() { return Buffer.concat(this.parts); }
}

const GGUF_UINT32 = 4, GGUF_FLOAT32 = 6, GGUF_STRING = 8, GGUF_ARRAY = 9;
const F32 = 0, F16 = 1, Q4_K = 12, Q6_K = 14, Q8_0 = 8;

function header({ arch, name, kv, tensors, ftype = 15, tokens = 16 }) {
  const w = new Writer();
  w.bytes('GGUF');
  w.u32(3);
  w.u64(tensors.length);
  const keys = [['general.architecture', GGUF_STRING, arch], ['general.name', GGUF_STRING, name],
    ['general.file_type', GGUF_UINT32, ftype], ['general.alignment', GGUF_UINT32, 32],
    ...kv.map(([k, t, v]) => [`${arch}.${k}`, t, v])];
  w.u64(keys.length + 1);
  for (const [k, t, v] of keys) {
    w.str(k);
    w.u32(t);
    if (t === GGUF_STRING) w.str(v);
    else if (t === GGUF_FLOAT32) w.f32(v);
    else w.u32(v);
  }
  w.str('tokenizer.ggml.tokens');
  w.u32(GGUF_ARRAY);
  w.u32(GGUF_STRING);
  w.u64(tokens);
  for (let i = 0; i < tokens; i++) w.str(`tok${i}`);
  let offset = 0n;
  for (const [tname, type, dims] of tensors) {
    w.str(tname);
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(type);
    w.u64(offset);
    offset += 4096n;
  }
  return w.done();
}

const dense = (arch, extra = []) => ({
  arch, name: `tiny ${arch}`, tokens: 256,
  kv: [['embedding_length', GGUF_UINT32, 256], ['block_count', GGUF_UINT32, 2], ['attention.head_count', GGUF_UINT32, 8],
    ['attention.head_count_kv', GGUF_UINT32, 2], ['feed_forward_length', GGUF_UINT32, 512], ['context_length', GGUF_UINT32, 4096],
    ['attention.layer_norm_rms_epsilon', GGUF_FLOAT32, 1e-6], ...extra],
  tensors: [['token_embd.weight', Q4_K, [256, 256]], ['output_norm.weight', F32, [256]], ['output.weight', Q6_K, [256, 256]],
    ...[0, 1].flatMap((i) => [[`blk.${i}.attn_q.weight`, Q4_K, [256, 256]], [`blk.${i}.attn_k.weight`, Q4_K, [256, 64]],
      [`blk.${i}.attn_v.weight`, Q6_K, [256, 64]], [`blk.${i}.attn_output.weight`, Q4_K, [256, 256]],
      [`blk.${i}.ffn_gate.weight`, Q4_K, [256, 512]], [`blk.${i}.ffn_up.weight`, Q4_K, [256, 512]],
      [`blk.${i}.ffn_down.weight`, Q6_K, [512, 256]], [`blk.${i}.attn_norm.weight`, F32, [256]], [`blk.${i}.ffn_norm.weight`, F32, [256]]])],
});

const seeds = {
  llama: dense('llama'),
  qwen2: dense('qwen2'),
  qwen3: dense('qwen3', [['attention.key_length', GGUF_UINT32, 32]]),
  qwen3moe: {
    ...dense('qwen3moe', [['expert_count', GGUF_UINT32, 8], ['expert_used_count', GGUF_UINT32, 2],
      ['expert_feed_forward_length', GGUF_UINT32, 128]]),
  },
  deepseek2: {
    arch: 'deepseek2', name: 'tiny deepseek2', tokens: 256, ftype: 7,
    kv: [['embedding_length', GGUF_UINT32, 256], ['block_count', GGUF_UINT32, 2], ['attention.head_count', GGUF_UINT32, 8],
      ['attention.head_count_kv', GGUF_UINT32, 1], ['attention.key_length', GGUF_UINT32, 96], ['attention.value_length', GGUF_UINT32, 64],
      ['attention.key_length_mla', GGUF_UINT32, 96], ['attention.value_length_mla', GGUF_UINT32, 64],
      ['attention.kv_lora_rank', GGUF_UINT32, 64], ['attention.q_lora_rank', GGUF_UINT32, 128], ['rope.dimension_count', GGUF_UINT32, 32],
      ['feed_forward_length', GGUF_UINT32, 512], ['expert_count', GGUF_UINT32, 8], ['expert_used_count', GGUF_UINT32, 2],
      ['expert_shared_count', GGUF_UINT32, 1], ['expert_feed_forward_length', GGUF_UINT32, 128],
      ['leading_dense_block_count', GGUF_UINT32, 1], ['context_length', GGUF_UINT32, 163840]],
    tensors: [['token_embd.weight', Q8_0, [256, 256]], ['output_norm.weight', F32, [256]], ['output.weight', Q8_0, [256, 256]],
      ['blk.0.attn_kv_a_mqa.weight', Q8_0, [256, 96]], ['blk.0.attn_k_b.weight', Q8_0, [64, 32, 8]], ['blk.0.attn_v_b.weight', Q8_0, [64, 64, 8]],
      ['blk.0.ffn_gate.weight', Q8_0, [256, 512]], ['blk.1.ffn_gate_exps.weight', Q8_0, [256, 128, 8]],
      ['blk.1.exp_probs_b.bias', F32, [8]], ['blk.1.ffn_gate_shexp.weight', F16, [256, 128]]],
  },
};
for (const [name, spec] of Object.entries(seeds)) writeFileSync(join(out, `${name}.gguf`), header(spec));
console.log(`wrote ${Object.keys(seeds).length} GGUF seeds to ${out}`);
