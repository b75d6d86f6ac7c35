// Grader isolation: TTFT harness error (ttftMs − the simulator's exact 300 ms) at 50 streams in flight,
// with and without a script grader that busy-loops 100 ms per row. Graders run in their own pool, so the
// request thread's timestamps should not move by the grader's 100 ms.
// Usage: node bench/grader-isolation.mjs [rows=150] [concurrency=50]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const rows = Number(process.argv[2] ?? 150);
const concurrency = Number(process.argv[3] ?? 50);

function run(withGrader) {
  const dir = mkdtempSync(join(tmpdir(), 'fb-grader-iso-'));
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: rows }, (_, i) => `question number ${i}`).join('\n')}\n`);
  writeFileSync(join(dir, 'busy.mjs'), 'export function grade() { const end = Date.now() + 100; while (Date.now() < end) {} return true; }\n');
  writeFileSync(join(dir, 'suite.yaml'), `name: grader-iso
target: { base_url: simulator, org_id: acme, flow_id: fixed-timing }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: stream
load: { concurrency: ${concurrency} }
${withGrader ? 'graders:\n  - { type: script, path: busy.mjs, timeout: 5s }' : ''}
`);
  const r = spawnSync(process.execPath, [CLI, 'run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  const errs = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((x) => x.ok).map((x) => x.ttftMs - 300).sort((a, b) => a - b);
  const at = (p) => errs[Math.min(errs.length - 1, Math.ceil((p / 100) * errs.length) - 1)];
  return { n: errs.length, p50: at(50), p99: at(99), max: errs[errs.length - 1] };
}

const without = run(false);
const withG = run(true);
const f = (v) => v.toFixed(2);
console.log(`# grader isolation: ${rows} streams at ${concurrency} in flight, fixed-timing flow (TTFT exactly 300 ms)`);
console.log(`without grader: n=${without.n} TTFT error p50 ${f(without.p50)} ms, p99 ${f(without.p99)} ms, max ${f(without.max)} ms`);
console.log(`with a 100 ms busy-loop script grader: n=${withG.n} TTFT error p50 ${f(withG.p50)} ms, p99 ${f(withG.p99)} ms, max ${f(withG.max)} ms`);
console.log(`p99 difference: ${f(withG.p99 - without.p99)} ms`);
