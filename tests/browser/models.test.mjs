// The other open models and the safetensors reader in headless Chromium: the other models load
// only on demand, as their own group after the R1 family, and give the CLI's figures; dropped
// safetensors files are read by their headers only, and a damaged one is named.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectSearchMatch, openBrowser } from './harness.mjs';
import { axeViolations, native, openPage, screenshots } from './sections.mjs';

let b;
before(async () => {
  b = await openBrowser();
  mkdirSync(screenshots, { recursive: true });
});
after(async () => {
  await b?.close();
});

/** A safetensors file: the 8-byte little-endian header length, the JSON header, the data. */
function safetensors(header, dataBytes) {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(dataBytes)]);
}

describe('other open models and safetensors headers', () => {
  test('the other models come as their own group after the R1 family, with the CLI figures', async () => {
    const { page, problems } = await openPage(b);
    const before = await page.$$eval('#f-model option', (os) => os.map((o) => o.value));
    assert.ok(!before.includes('gemma-3-27b'), 'not in the first-result catalogue');
    await page.click('#more-models');
    await page.waitForSelector('#f-model optgroup[data-group="other"]', { state: 'attached' });
    // The R1 family's groups first (R1, its distills, V3 with R1's architecture), then the other
    // models' group.
    const groups = await page.$$eval('#f-model optgroup', (gs) => gs.map((g) => g.label));
    const at = groups.indexOf('Other open models');
    assert.ok(at >= 2, groups.join(' | '));
    assert.ok(groups.slice(0, at).every((g) => /R1|V3/.test(g)), groups.join(' | '));
    const other = await page.$$eval('#f-model optgroup[data-group="other"] option', (os) => os.map((o) => o.value));
    assert.ok(other.length >= 30);
    assert.ok(other.includes('gpt-oss-20b') && other.includes('llama-4-scout') && other.includes('qwen3-30b-a3b'));
    await page.selectOption('#f-model', 'gemma-3-27b');
    await page.waitForFunction(() => document.querySelector('#result')?.textContent.includes('Gemma 3 27B'));
    // The page shows the CLI's total for the same settings.
    const want = native('--model', 'gemma-3-27b');
    const shown = (await page.textContent('#result')).replace(/\s+/g, ' ');
    assert.ok(shown.includes((want.total_bytes / 1e9).toFixed(1)), `${(want.total_bytes / 1e9).toFixed(1)} GB in ${shown.slice(0, 300)}`);
    assert.match(await page.textContent('#h-model'), /vision tower/);
    await expectSearchMatch(page, /model=gemma-3-27b/);
    await page.screenshot({ path: join(screenshots, 'other-models.png') });
    assert.deepEqual(await axeViolations(page, '#calculator'), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a link to an other model loads the catalogue and shows it', async () => {
    const { page, problems } = await openPage(b, '?model=gpt-oss-20b&quant=MXFP4_MOE');
    await page.waitForFunction(() => document.querySelector('#result')?.textContent.includes('gpt-oss-20b'));
    assert.equal(await page.$eval('#f-model', (s) => s.value), 'gpt-oss-20b');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('safetensors headers give exact counts; a truncated file is named', async () => {
    const { page, problems } = await openPage(b, '?model=custom');
    await page.waitForSelector('#more-models:not([disabled])');  // the reader's module is in
    const good = safetensors({
      'model.embed_tokens.weight': { dtype: 'BF16', shape: [1000, 64], data_offsets: [0, 128000] },
      'model.layers.0.mlp.down_proj.weight': { dtype: 'F8_E4M3', shape: [64, 256], data_offsets: [128000, 144384] },
      'model.layers.0.mlp.down_proj.weight_scale_inv': { dtype: 'F32', shape: [1, 2], data_offsets: [144384, 144392] },
    }, 144392);
    await page.setInputFiles('#f-safetensors', [{ name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: good }]);
    await page.waitForFunction(() => document.getElementById('st-result').textContent.includes('parameters'));
    const text = await page.textContent('#st-result');
    assert.match(text, /80,384 parameters/);  // 1000 x 64 + 64 x 256; the scales are apart
    assert.match(text, /Quantization scales and zero points/);
    assert.match(text, /F8_E4M3/);
    await page.screenshot({ path: join(screenshots, 'safetensors.png') });

    const truncated = good.subarray(0, good.length - 1000);
    await page.setInputFiles('#f-safetensors', [{ name: 'model-00001-of-00002.safetensors', mimeType: 'application/octet-stream', buffer: truncated }]);
    await page.waitForFunction(() => document.getElementById('e-safetensors').textContent !== '');
    assert.match(await page.textContent('#e-safetensors'), /^model-00001-of-00002\.safetensors: the file is truncated/);
    await page.setInputFiles('#f-safetensors', [{ name: 'notes.safetensors', mimeType: 'text/plain', buffer: Buffer.from('hello world, not a model') }]);
    await page.waitForFunction(() => /notes\.safetensors/.test(document.getElementById('e-safetensors').textContent));
    assert.match(await page.textContent('#e-safetensors'), /notes\.safetensors: the header length/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
