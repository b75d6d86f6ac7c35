// Grading cost per result: the demo suite's deterministic graders (and each alone) over the real support
// answers, on the main thread. Prints µs per graded row. Usage: npm run build && node bench/graders.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { prepareGraders } from '../dist/grade/registry.js';

const ROOT = join(import.meta.dirname, '..');
const rows = parse(readFileSync(join(ROOT, 'datasets/support.csv')), { columns: true });
const SCHEMA = { type: 'object', required: ['status'], properties: { status: { enum: ['shipped', 'pending'] } } };
const GRADERS = {
  icontains: { type: 'icontains', value: '{{expected}}' },
  'not-regex': { type: 'not-regex', pattern: "not sure|forwarded your question|couldn't find", flags: 'i' },
  'starts-with': { type: 'starts-with', value: 'Sure!' },
  'contains-all': { type: 'contains-all', values: '{{keywords}}', separator: ';', case: 'insensitive' },
  'similarity rouge-l': { type: 'similarity', method: 'rouge-l', threshold: 0.5 },
  'similarity levenshtein': { type: 'similarity', method: 'levenshtein', threshold: 0.5 },
  'length tokens': { type: 'length', max: 28, unit: 'tokens' },
  'json-schema': { type: 'json-schema', schema: SCHEMA, extract: true },
  script: { type: 'script', path: 'suites/graders/helpful.mjs' },
};

async function perRow(specs, n) {
  const g = prepareGraders(specs, { dir: ROOT });
  const ctxs = rows.map((r, i) => ({
    output: `Sure! ${r.answer} Anything else I can help with?`,
    expected: r.answer,
    row: i,
    values: r,
    ttftMs: 500,
    latencyMs: 900,
  }));
  for (const c of ctxs) await g.grade(c); // warm: token tables, script import, JIT
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await g.grade(ctxs[i % ctxs.length]);
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

const N = 20_000;
console.log(JSON.stringify({ bench: 'graders', rows: N, node: process.version }));
for (const [name, spec] of Object.entries(GRADERS)) console.log(JSON.stringify({ grader: name, usPerRow: +(await perRow([spec], N)).toFixed(2) }));
console.log(JSON.stringify({ grader: 'all of the above together', usPerRow: +(await perRow(Object.values(GRADERS), N)).toFixed(2) }));
