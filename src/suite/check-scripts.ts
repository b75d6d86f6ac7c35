// Script graders are imported at load time, as a run's grading threads import them before the first
// request: a module that throws, exits or hangs on import, or lacks its function, is refused at its line
// by `validate` too. The imports happen in a throwaway thread (script-probe-thread.ts), never here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadContext } from './load-context.js';
import type { ProbeData, ProbeMessage } from './script-probe-thread.js';
import type { Suite } from './types.js';

/** Resolved from this module's file so it works from src/ (vitest) and from dist/, like the simulator thread. */
const PROBE_FILE = new URL('../../dist/suite/script-probe-thread.js', import.meta.url);
/** As long as a grading thread may take to load its graders (grading-pool.ts BOOT_LIMIT_MS). */
const LOAD_LIMIT_MS = 60_000;
const HINT = "fix the module: importing it must not throw, exit or hang, and it must export the grader's function (default grade)";

export async function checkScripts(s: Suite, ctx: LoadContext): Promise<void> {
  const graders = s.graders
    .map((spec, index) => ({ index, spec }))
    .filter(({ index, spec }) => spec.type.replace(/^not-/, '') === 'script' && !ctx.refused.has(['graders', index]));
  if (graders.length === 0) return;
  if (!existsSync(PROBE_FILE)) throw new Error(`script probe not built: ${fileURLToPath(PROBE_FILE)} is missing (run \`npm run build\`)`);
  const failed = await probe({ dir: s.dir, graders });
  for (const [index, message] of failed) {
    const at = ctx.where.has(['graders', index, 'path']) ? ctx.where.value(['graders', index, 'path']) : ctx.where.value(['graders', index]);
    ctx.errors.push(ctx.src.error(at, `graders[${index}] (${s.graders[index]!.type}): ${message}`, HINT));
  }
}

/**
 * Grader index -> why its module did not load; resolves once every module loaded or failed. A module that
 * ends or hangs the thread ends the probe: the modules after it are not tried (the run would stop there too).
 */
function probe(data: ProbeData): Promise<Map<number, string>> {
  const failed = new Map<number, string>();
  const pending = new Set(data.graders.map((g) => g.index));
  let current: number | null = null;
  let settled = false;
  const path = (index: number) => String(data.graders.find((g) => g.index === index)?.spec.path);
  return new Promise((resolve) => {
    const worker = new Worker(PROBE_FILE, { workerData: data });
    // The thread is ended as soon as every module answered: one that left a timer running must not hold it.
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(failed);
    };
    const blame = (why: string) => {
      if (settled) return;
      const index = current ?? [...pending][0]!;
      failed.set(index, `script ${path(index)} ${why}`);
      finish();
    };
    const timer = setTimeout(() => blame(`did not finish loading within ${LOAD_LIMIT_MS / 1000} s: does it wait for something on import?`), LOAD_LIMIT_MS);
    worker.on('message', (m: ProbeMessage) => {
      if (m.state === 'loading') {
        current = m.index;
        return;
      }
      if (m.state === 'failed') failed.set(m.index, m.message);
      pending.delete(m.index);
      current = null;
      if (pending.size === 0) finish();
    });
    worker.on('error', (err) => blame(`could not be loaded: ${err.message.split('\n')[0]}`));
    worker.on('exit', (code) => {
      if (pending.size > 0) blame(`ended its thread (exit code ${code}) while being imported: does it call process.exit()?`);
    });
  });
}
