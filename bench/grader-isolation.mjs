// Grader isolation: the harness's own error seeing the first frame (the fidelity bench's "seen": the
// simulator's hand-over of the first content frame to its socket -> the client's timestamp of it) with 50
// streams in flight against ttft-500, without graders and with a script grader that busy-loops 100 ms
// per row. Graders run in their own pool at the lowest CPU priority, so the request thread's timestamps
// should not move by the grader's 100 ms. The simulator is a process of its own (bench/lib/harness.mjs).
// Usage: node bench/grader-isolation.mjs [rows=300] [concurrency=50]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitTtft } from './fidelity.mjs';
import { conditions, flowbenchChild, percentile, r2, readJsonl, runChild, startSimulator, tempDir, writeRows, writeSuite } from './lib/harness.mjs';

const rows = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 50);

async function run(sim, withGrader) {
  const dir = tempDir();
  writeRows(dir, rows);
  writeFileSync(join(dir, 'busy.mjs'), 'export function grade() { const end = Date.now() + 100; while (Date.now() < end) {} return true; }\n');
  const extra = withGrader ? 'graders:\n  - { type: script, path: busy.mjs, timeout: 5s }' : '';
  const file = writeSuite(dir, {
    url: sim.url,
    flow: 'ttft-500',
    mode: 'stream',
    load: `{ concurrency: ${concurrency}, retries: 0, warmup: ${concurrency} }`,
    extra,
  });
  await runChild(flowbenchChild, [file, join(dir, 'out')]);
  const results = readJsonl(join(dir, 'out/results.jsonl')).filter((r) => r.ok && !r.warmup);
  const seen = (await splitTtft(sim, results)).map((x) => x.seen).sort((a, b) => a - b);
  const graded = results.filter((r) => r.grades.length > 0).length;
  return { results: results.length, graded, seenP50Ms: r2(percentile(seen, 50)), seenP99Ms: r2(percentile(seen, 99)), seenMaxMs: r2(seen.at(-1)) };
}

export async function graderIsolation() {
  const sim = await startSimulator();
  try {
    const without = await run(sim, false);
    const withGrader = await run(sim, true);
    return { rows, concurrency, without, withGrader, p99DifferenceMs: r2(withGrader.seenP99Ms - without.seenP99Ms) };
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# grader isolation (${conditions()})`);
  console.log(JSON.stringify(await graderIsolation()));
}
