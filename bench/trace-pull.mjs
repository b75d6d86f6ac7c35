// `flowbench trace pull` costs: (1) pulling the simulator's 600-run history in process, per page size
// (wall time, pages); (2) the final sort of a large spool (N lines, shuffled times): time and the memory it
// adds, which is an index, not the lines. Run: npm run build && node bench/trace-pull.mjs [lines]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullTrace } from '../dist/pull/pull-trace.js';
import { startSimulator } from '../dist/simulator/start.js';
import { StackAIClient } from '../dist/stackai/client.js';

const lines = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'flowbench-bench-pull-'));
const token = 'bench-token-123456';
const sim = await startSimulator({ token });
const client = new StackAIClient({ baseUrl: sim.url, token, connections: 1 });
const args = (pageSize) => ({
  baseUrl: sim.url,
  orgId: 'demo',
  flowId: 'support-bot',
  startDate: null,
  endDate: null,
  states: null,
  userId: null,
  pageSize,
  maxRows: null,
  anonymise: true,
  expected: true,
  outputKey: 'out-0',
  inputKey: 'in-0',
});
console.log('pull of the simulator history (600 runs), --anonymise --expected, in process:');
for (const pageSize of [25, 100]) {
  for (let rep = 0; rep < 3; rep++) {
    const out = join(dir, `t-${pageSize}-${rep}.jsonl`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const s = await pullTrace((q) => client.getAnalyticsPage('demo', 'support-bot', q, 10_000), { args: args(pageSize), out, retries: 0 });
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `  page_size ${pageSize}: ${s.pages} pages, ${s.trace.written} lines, ${(performance.now() - t0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (client and simulator together)`,
    );
  }
}
await client.close();
await sim.close();

// A spool as a pull leaves it: one JSON line per run, times not in order (the API lists newest first).
const spool = join(dir, 'big.pull-spool.jsonl');
const base = Date.parse('2025-11-03T08:00:00Z');
const chunk = [];
let text = '';
for (let i = 0; i < lines; i++) {
  const ms = base + ((i * 7919) % lines) * 100;
  chunk.push(
    `${JSON.stringify({ timestamp: new Date(ms).toISOString(), inputs: { 'in-0': `Question ${i} about refunds, invoices and delivery times?` }, user_id: `u-${(i % 997).toString(16).padStart(16, '0')}`, run_id: `run-${i}`, state: 'COMPLETED', expected: `An answer of some eighty characters for row ${i}, as a flow would give it.`, latency_s: 1.5, total_tokens: 300 })}\n`,
  );
  if (chunk.length === 10_000) {
    text += chunk.join('');
    chunk.length = 0;
  }
}
text += chunk.join('');
writeFileSync(spool, text);
text = '';
const bytes = statSync(spool).size;
// The sort in a process of its own, against one that only loads the module: the difference in peak RSS is
// what the sort holds (its index), to compare with the spool's size.
const child = (sort) =>
  JSON.parse(
    execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `import { writeSortedTrace } from ${JSON.stringify(new URL('../dist/pull/sorted-trace.js', import.meta.url).href)};
       const t0 = performance.now();
       const r = ${sort} ? writeSortedTrace(${JSON.stringify(spool)}, ${bytes}, ${JSON.stringify(join(dir, 'big.jsonl'))}) : null;
       console.log(JSON.stringify({ ms: performance.now() - t0, written: r?.written ?? 0, maxRssKb: process.resourceUsage().maxRSS }));`,
    ]).toString(),
  );
const idle = child(false);
const sorted = child(true);
console.log(
  `sort of a ${lines}-line spool (${(bytes / 1e6).toFixed(1)} MB): ${sorted.written} lines in ${sorted.ms.toFixed(0)} ms; peak RSS ${(sorted.maxRssKb / 1024).toFixed(0)} MB against ${(idle.maxRssKb / 1024).toFixed(0)} MB for a process that only loads the module (+${((sorted.maxRssKb - idle.maxRssKb) / 1024).toFixed(0)} MB)`,
);
rmSync(dir, { recursive: true, force: true });
