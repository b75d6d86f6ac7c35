// Runs a flowbench command line in the test's own process: the built CLI's runFlowbench (dist/cli/program.js),
// with what it writes to stdout and stderr captured. Most of a spawned CLI call's CPU is starting Node and
// loading the CLI's modules again (about 0.3 s for a usage error, 0.5 s of a small run's 1 s:
// docs/development.md); test files share their processes (vitest.config.ts), so here that is paid once.
//
// What the process owns is shared: the current folder and process.env. A call that sets either (cwd, env,
// warmUp, --env-file) runs alone: it waits for the calls running to end, and calls made meanwhile wait for
// it, so no call runs with another's settings. Output is routed by call (AsyncLocalStorage), so calls that
// set neither run side by side, as shards started together do.
import { AsyncLocalStorage } from 'node:async_hooks';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Captured {
  stdout: string;
  stderr: string;
}

const captured = new AsyncLocalStorage<Captured>();
let routed = false;
/** The test process's own folder, where calls that set none run. */
const BASE_CWD = process.cwd();
let sharing = 0;
let alone = false;
const waiting: (() => void)[] = [];

/** Waits until this call may run: alone (it sets the process's cwd or env), or beside others that do not. */
async function enter(ownsProcess: boolean): Promise<void> {
  while (alone || (ownsProcess && sharing > 0)) await new Promise<void>((r) => waiting.push(r));
  if (ownsProcess) alone = true;
  else sharing++;
}

function leave(ownsProcess: boolean): void {
  if (ownsProcess) alone = false;
  else sharing--;
  for (const wake of waiting.splice(0)) wake();
}

type Write = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void) => boolean;

/** process.stdout and process.stderr write into the current call's capture, when there is one, and are not terminals there. */
function routeOutput(): void {
  if (routed) return;
  routed = true;
  for (const [stream, key] of [
    [process.stdout, 'stdout'],
    [process.stderr, 'stderr'],
  ] as const) {
    const write = stream.write.bind(stream) as Write;
    const isTTY = stream.isTTY;
    const routedWrite: Write = (chunk, encoding, cb) => {
      const into = captured.getStore();
      if (into === undefined) return write(chunk, encoding, cb);
      into[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
      const done = typeof encoding === 'function' ? encoding : cb;
      if (done !== undefined) queueMicrotask(() => done(null));
      return true;
    };
    stream.write = routedWrite as typeof stream.write;
    // A spawned CLI's output is a pipe: progress lines, colours and prompts follow isTTY.
    Object.defineProperty(stream, 'isTTY', { configurable: true, get: () => (captured.getStore() === undefined ? isTTY : false) });
  }
}

type Program = typeof import('../../src/cli/program.js');
let program: Promise<Program> | null = null;

export interface InProcessCall {
  args: string[];
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  timeoutMs: number;
}

/** The exit code and output of `flowbench ...args`, run in this process. */
export async function runInProcess(root: string, call: InProcessCall): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = call.cwd === undefined ? BASE_CWD : resolve(call.cwd);
  // Against the folder the process runs in between calls, not process.cwd(): a call running alone may have
  // moved it for itself just now.
  const ownsProcess = cwd !== BASE_CWD || call.env !== undefined || call.args.includes('--env-file');
  await enter(ownsProcess);
  const savedEnv = { ...process.env };
  try {
    routeOutput();
    // Loaded by Node itself, as the binary loads it: vitest leaves dist/ alone (vitest.config.ts).
    program ??= import(pathToFileURL(join(root, 'dist/cli/program.js')).href) as Promise<Program>;
    const { runFlowbench } = await program;
    if (call.env !== undefined) {
      for (const [k, v] of Object.entries(call.env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    if (cwd !== BASE_CWD) process.chdir(cwd);
    const into: Captured = { stdout: '', stderr: '' };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`flowbench ${call.args.join(' ')} did not end within ${call.timeoutMs} ms`)), call.timeoutMs);
    });
    try {
      const code = await Promise.race([captured.run(into, () => runFlowbench(['node', 'flowbench', ...call.args])), timedOut]);
      return { code, ...into };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    if (ownsProcess) {
      for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
      Object.assign(process.env, savedEnv);
      if (process.cwd() !== BASE_CWD) process.chdir(BASE_CWD);
    }
    leave(ownsProcess);
  }
}
