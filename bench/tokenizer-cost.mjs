// What counting output tokens costs: flowbench's o200k counter (dist/metrics/tokenizer.js, gpt-tokenizer
// underneath) on this thread: its load time and heap, then µs per answer of about 100 and 1,000 tokens of
// English support answers and of a mixed-script text, and the worst case, words never seen before, as a
// long run meets them: with flowbench's periodic cache clear, and with gpt-tokenizer's cache left to fill.
// It decides where tokens are counted (docs/engine.md). Usage: npm run build && node bench/tokenizer-cost.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { seeded } from '../dist/compare/prng.js';
import { loadTokenCounter } from '../dist/metrics/tokenizer.js';

const ROOT = join(import.meta.dirname, '..');
const heap0 = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint();
const count = await loadTokenCounter();
count('warm');
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
console.log(JSON.stringify({ bench: 'tokenizer-cost', node: process.version, loadMs: +loadMs.toFixed(1), heapMb: +heapMb.toFixed(1) }));

const answers = parse(readFileSync(join(ROOT, 'datasets/support.csv')), { columns: true }).map((r) => r.answer);
/** Distinct texts of about `tokens` tokens: support answers joined, each text starting at another answer. */
function texts(tokens, source) {
  return source.map((_, i) => {
    let s = `${i}`;
    for (let j = i; count(s) < tokens; j++) s += ` ${source[j % source.length]}`;
    return s;
  });
}
const mixed = answers.map((a, i) => `${a} Ihre Bestellung ist unterwegs, café crème. ご注文は発送済みです。订单 #${1000 + i} 已发货。`);

const line = (text, tokens, us) =>
  console.log(JSON.stringify({ text, tokens: Math.round(tokens), usPerOutput: +us.toFixed(1), usPerToken: +(us / tokens).toFixed(3) }));

function timed(list, n, counter) {
  const start = process.hrtime.bigint();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += counter(list[i % list.length]);
  return { us: Number(process.hrtime.bigint() - start) / 1000 / n, tokens: sum / n };
}

for (const [name, source] of [
  ['english', answers],
  ['mixed scripts', mixed],
]) {
  for (const size of [100, 1000]) {
    const list = texts(size, source);
    timed(list, list.length, count); // warm: JIT, each word's merges cached
    const r = timed(list, size === 100 ? 20_000 : 2_000, count);
    line(name, r.tokens, r.us);
  }
}

// Unseen words: rounds of 100 answers of ~1,000 tokens (300 random words each), 240,000 words in all.
const rand = seeded('tokenizer-cost');
const word = () => Array.from({ length: 3 + Math.floor(rand() * 7) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
const unseen = (words) => Array.from({ length: 100 }, () => Array.from({ length: words }, word).join(' '));
const { countTokens, clearMergeCache } = await import('gpt-tokenizer/encoding/o200k_base');
const library = (t) => countTokens(t, { disallowedSpecial: new Set() });
for (const [name, counter] of [
  ['flowbench counter', count],
  ['gpt-tokenizer, its cache left to fill', library],
]) {
  clearMergeCache();
  const rounds = Array.from({ length: 8 }, () => timed(unseen(300), 100, counter));
  const small = timed(unseen(30), 100, counter);
  line(`unseen words, ${name}, first 30,000 words`, rounds[0].tokens, rounds[0].us);
  line(`unseen words, ${name}, after 210,000 words`, rounds[7].tokens, rounds[7].us);
  line(`unseen words, ${name}, after 240,000 words (100-token answers)`, small.tokens, small.us);
}
