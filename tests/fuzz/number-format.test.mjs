// Property test of the page's number formatting (web/js/format.js), which writes en-US numbers
// without Intl: for seeded random values of every magnitude the page shows (bytes over a unit,
// tokens/s, prices, counts, ties such as 0.125 and 1.005, negatives, zero) and every number of
// decimals it uses, the text equals what Intl.NumberFormat('en-US') writes for the same options.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixed, fmtInt, fmtNum, fmtShort } from '../../web/js/format.js';
import { rng } from './rng.mjs';

const runs = Number(process.env.FUZZ_FORMAT_RUNS ?? 200000);

const intl = (min, max) => new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });
const F = [0, 1, 2, 3].map((d) => ({ exact: intl(d, d), upTo: intl(0, d) }));

test(`formatted numbers equal Intl.NumberFormat('en-US') for ${runs} random values`, () => {
  const r = rng(20261201);
  const u = () => r() / 2 ** 32;
  for (let i = 0; i < runs; i++) {
    let v;
    switch (i % 5) {
      case 0: v = u() * 10 ** (Math.floor(u() * 22) - 6); break;             // 1e-6 .. 1e16
      case 1: v = Math.round(u() * 1e6) / 1000 + 0.0005; break;              // ties at 3 decimals
      case 2: v = Math.floor(u() * 1e5) / 8; break;                           // exact binary ties
      case 3: v = Math.floor(u() * 2 ** 53); break;                           // integers
      default: v = Number((u() * 2000).toFixed(Math.floor(u() * 5))); break;  // as a user types them
    }
    if (r() & 1) v = -v;
    const d = r() % 4;
    assert.equal(fixed(v, d), F[d].exact.format(v), `fixed(${v}, ${d})`);
    assert.equal(fmtNum(v, d), F[Math.abs(v) >= 1000 ? 0 : d].upTo.format(v), `fmtNum(${v}, ${d})`);
  }
  for (const v of [0, -0, 1, 999.9999, 1e21, 1.5e-7, 123456789.125]) {
    assert.equal(fmtInt(v), F[3].upTo.format(v), `fmtInt(${v})`);
    assert.equal(fixed(v, 1), F[1].exact.format(v), `fixed(${v}, 1)`);
  }
  assert.equal(fmtShort(2_500_000_000), '2.5B');
  assert.equal(fmtShort(999.96), '1,000');
});
