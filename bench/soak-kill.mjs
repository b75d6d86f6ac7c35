// Issue 22's case for checkpoints: `flowbench run` of a 3-minute open-loop run (streamed ttft-500 flow,
// graded, metadata fetched) against the standalone simulator, killed with SIGKILL 2 minutes after its
// load's clock started. Prints what the report.json it left covers (seconds of the run, lines of
// results.jsonl, against what the file holds), whether its counts are exactly those of its lines, and
// whether it is valid against schema/report.schema.json.
// Usage: node bench/soak-kill.mjs [rate=50] [runS=180] [killAtS=120] [checkpoint=60s]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { ROOT, conditions, r1, startSimulator, tempDir, writeRows, writeSuite } from './lib/harness.mjs';

const rate = Number(process.argv[2] ?? 50);
const runS = Number(process.argv[3] ?? 180);
const killAtS = Number(process.argv[4] ?? 120);
const checkpoint = process.argv[5] ?? '60s';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

export async function soakKill(sim) {
  const dir = tempDir();
  writeRows(dir, 2000);
  const file = writeSuite(dir, {
    url: sim.url,
    flow: 'ttft-500',
    load: `{ rate: ${rate}, duration: ${runS}s, concurrency: 1000, retries: 0 }`,
    extra: `metadata: true\ngraders:\n  - { type: contains, value: "question" }\nreport: { checkpoint: ${checkpoint} }\n`,
  });
  const out = join(dir, 'out');
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'run', file, '--out', out, '--no-progress'], { stdio: 'ignore', cwd: ROOT });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  // The load's clock starts once the threads are up: its start mark is in run-manifest.json then.
  let clockStartWall = null;
  while (clockStartWall === null) {
    await sleep(100);
    const path = join(out, 'run-manifest.json');
    const m = existsSync(path) ? readJson(path) : null;
    const s = m?.sessions?.[0];
    if (s) clockStartWall = Date.parse(m.startedAt) + s.clockStartMs;
  }
  await sleep(Math.max(0, clockStartWall + killAtS * 1000 - Date.now()));
  const killedAt = Date.now();
  child.kill('SIGKILL');
  const how = await exited;
  const report = readJson(join(out, 'report.json'));
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n');
  lines.pop(); // after the last newline: empty, or a torn line
  const c = report.checkpoint;
  const covered = lines.slice(0, c.results).map((l) => JSON.parse(l));
  const measured = covered.filter((r) => r.warmup !== true);
  const sum = (f) => report.variants.reduce((a, v) => a + v[f], 0);
  // As test/schema/output-validator.ts checks every report.json the test suite writes.
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  const valid = ajv.compile(readJson(join(ROOT, 'schema/report.schema.json')));
  return {
    rate,
    runS,
    killedAtS: r1((killedAt - clockStartWall) / 1000),
    exit: how,
    partial: report.partial,
    partialReason: report.partialReason,
    coversUntilS: r1((Date.parse(c.until) - clockStartWall) / 1000),
    writtenAtS: r1((Date.parse(c.writtenAt) - clockStartWall) / 1000),
    checkpointTookMs: c.tookMs,
    linesCovered: c.results,
    linesInFile: lines.length,
    countsExact: sum('requests') === measured.length && sum('ok') === measured.filter((r) => r.ok).length,
    schemaValid: valid(report) ? true : valid.errors.slice(0, 3),
    dir: out,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = await startSimulator();
  try {
    console.log(`# soak-kill (${conditions()})`);
    console.log(JSON.stringify(await soakKill(sim)));
  } finally {
    await sim.close();
  }
}
