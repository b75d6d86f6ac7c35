// `npm test` after the build (pretest): the type-check of test/ and bench/ and Biome's lint and format
// check run alongside vitest, not before it. The suite is mostly waits on 2 cores (a run's threads
// starting, a simulator's answers, a Ctrl-C grace) and leaves a core idle about an eighth of its time; the
// 16 s of CPU the checks take fits in there instead of holding the tests back (docs/development.md).
// The checks run at a lower priority so the tests' own timings are not disturbed; their output is
// printed after the tests', and `npm test` fails when any of the three fails.
// Arguments go to vitest: `npm test -- test/e2e` runs one folder (the checks still run in full).
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const bin = (pkg, file) => join(ROOT, 'node_modules', pkg, file);

const CHECKS = [
  { name: 'tsc -p tsconfig.test.json', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.test.json'] },
  { name: 'biome ci', args: [bin('@biomejs/biome', 'bin/biome'), 'ci'] },
];

/** Runs `node args`, its output kept (or shown, with `inherit`); resolves to its exit code. */
function run(args, { inherit = false, nice = 0 } = {}) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  let output = '';
  if (!inherit) {
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
  }
  if (nice !== 0 && child.pid !== undefined) {
    try {
      setPriority(child.pid, nice);
    } catch {
      // Not allowed here: it runs at the normal priority.
    }
  }
  const done = new Promise((resolveDone) => {
    child.on('error', (e) => resolveDone({ code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code, signal) => resolveDone({ code: code ?? (signal ? 1 : 0), output }));
  });
  return { child, done };
}

const checks = CHECKS.map((c) => ({ ...c, ...run(c.args, { nice: 10 }) }));
const vitest = run([bin('vitest', 'vitest.mjs'), 'run', '--dir', 'test', '--test-timeout=60000', '--hook-timeout=60000', ...process.argv.slice(2)], {
  inherit: true,
});
// Ctrl-C reaches every child through the terminal's process group; stop the checks when vitest stops early.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => checks.forEach((c) => c.child.kill(sig)));

const tests = await vitest.done;
let failed = tests.code !== 0;
for (const c of checks) {
  const { code, output } = await c.done;
  if (code === 0) console.log(`${c.name}: clean`);
  else {
    failed = true;
    console.log(`\n${c.name} failed (exit ${code}):\n${output.trimEnd()}\n`);
  }
}
process.exit(failed ? 1 : 0);
