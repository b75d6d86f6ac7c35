// Runs the built CLI (dist/) as a user would, capturing output and exit code: in the test's own process
// (cli-in-process.ts), or as a process of its own where the process is what a test is about (spawn: true).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { checkOutputs, outputDirsOf } from '../schema/output-validator.js';
import { runInProcess } from './cli-in-process.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /**
   * true: the request threads and the embedded simulator warm up first, as they do for a user; false: they
   * start cold (FLOWBENCH_TEST_NO_WARMUP). Default: as the file says (cold, unless it called
   * warmRunsInThisFile(): test/helpers/cold-by-default.ts).
   */
  warmUp?: boolean;
  /**
   * true: a `node dist/cli/main.js` process of its own, for what only a process shows: that it ends by
   * itself, its signals, its exit on a fatal error, a thread that calls process.exit. Default: in this
   * process.
   */
  spawn?: boolean;
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const startedMs = Date.now();
  const env = envOf(opts);
  const r =
    opts.spawn === true
      ? await runProcess(args, opts, env)
      : await runInProcess(ROOT, { args, cwd: opts.cwd ?? ROOT, env, timeoutMs: opts.timeoutMs ?? 60_000 });
  const invalid = outputSchemaError(outputDirsOf(args, opts.cwd ?? ROOT), startedMs);
  if (invalid !== null) throw invalid;
  return r;
}

/** What a call sets in the environment (undefined: removes): its env, over the warm-up hook when it asks for one. */
function envOf(opts: CliOptions): NodeJS.ProcessEnv | undefined {
  return opts.warmUp === undefined ? opts.env : { FLOWBENCH_TEST_NO_WARMUP: opts.warmUp ? undefined : '1', ...opts.env };
}

/** `node dist/cli/main.js ...args` as a process of its own, with this process's environment and `env` over it. */
function runProcess(args: string[], opts: CliOptions, env: NodeJS.ProcessEnv | undefined): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  for (const [k, v] of Object.entries(env ?? {})) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Every report.json and results.jsonl line a run writes must match the published schemas: an Error naming
 * what in `dirs`, written since `sinceMs`, does not; else null. runCli checks every CLI call with it.
 */
export function outputSchemaError(dirs: string[], sinceMs: number): Error | null {
  const problems = dirs.flatMap((d) => checkOutputs(d, sinceMs).problems);
  return problems.length > 0 ? new Error(`output does not match schema/*.schema.json:\n${problems.join('\n')}`) : null;
}

export function tempDir(prefix = 'flowbench-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readJsonl<T = Record<string, unknown>>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * For a file whose assertions are timings: its runs, in process and through the CLI, warm their request
 * threads and the embedded simulator up first, as a user's run does (test/helpers/cold-by-default.ts says
 * why the others start cold). Set back after the file (test files share a process: vitest.config.ts).
 */
export function warmRunsInThisFile(): void {
  beforeAll(() => {
    delete process.env.FLOWBENCH_TEST_NO_WARMUP;
  });
  afterAll(() => {
    process.env.FLOWBENCH_TEST_NO_WARMUP = '1';
  });
}
