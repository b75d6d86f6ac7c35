// Huge outputs: a run folder whose results.jsonl holds two records with a 50 MB output each (a flow that
// echoed a document back, say), rebuilt with `flowbench report DIR` in a child process. Prints the wall
// time of each report file, the total, and the child's peak RSS (VmHWM from /proc, sampled every 100 ms).
// More records (copies with other row numbers) show whether the peak grows with the file or stays put.
// Usage: node bench/huge-output.mjs [megabytes per output=50] [records=2]
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSuite } from '../dist/suite/load-suite.js';
import { runSuite } from '../dist/runner/run-suite.js';
import { conditions, r1, ROOT, tempDir } from './lib/harness.mjs';

const mb = Number(process.argv[2] ?? 50);
const records = Number(process.argv[3] ?? 2);

/** A `bytes`-long output with what makes escaping work: quotes, newlines, a tab, non-ASCII, an astral emoji. */
function hugeOutput(bytes) {
  const unit = 'Sure! Your order "#12345" ships <today> & tomorrow\tcafé 🚀\n';
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))).slice(0, bytes);
}

/** A real two-record run folder (the demo suite, one row, both variants), then its outputs made huge and one failed. */
async function hugeRun() {
  const dir = join(tempDir(), 'run');
  const suite = await loadSuite(join(ROOT, 'suites/demo.yaml'), { env: {}, overrides: { limit: 1, out: dir } });
  await runSuite(suite, { outDir: dir, progress: false, threads: 0 });
  const path = join(dir, 'results.jsonl');
  const output = hugeOutput(mb * 1024 * 1024);
  // Every second one fails its grade, so junit.xml carries its output too (a failure's detail).
  const real = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const lines = Array.from({ length: records }, (_, i) =>
    JSON.stringify({ ...real[i % real.length], row: Math.floor(i / real.length), output, ...(i % 2 === 1 && { pass: false }) }),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { dir, resultsMb: statSync(path).size / 1024 / 1024 };
}

/** `flowbench report dir` in a child: seconds per "wrote" line and in all, peak RSS. */
function rebuild(dir) {
  return new Promise((res, rej) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'report', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let peakKb = 0;
    let last = t0;
    const files = {};
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 100);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
        const m = /^wrote .*\/([^/]+)$/.exec(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (m) {
          files[m[1]] = r1((Date.now() - last) / 1000);
          last = Date.now();
        }
      }
    });
    child.once('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) rej(new Error(`flowbench report exited ${code}`));
      else res({ seconds: r1((Date.now() - t0) / 1000), peakRssMb: r1(peakKb / 1024), secondsPerFile: files });
    });
  });
}

console.log(`# huge outputs: flowbench report with ${records} outputs of ${mb} MB (${conditions()})`);
const { dir, resultsMb } = await hugeRun();
const r = await rebuild(dir);
const sizes = Object.fromEntries(['report.html', 'results.csv', 'junit.xml', 'summary.md'].map((f) => [f, r1(statSync(join(dir, f)).size / 1024 / 1024)]));
console.log(JSON.stringify({ outputMb: mb, records, resultsMb: r1(resultsMb), ...r, fileMb: sizes }));
