// Runs the built CLI (dist/) as a user would, capturing output and exit code.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { checkOutputs, outputDirsOf } from '../schema/output-validator.js';

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
   * false: the request threads and the embedded simulator skip their warm-up (FLOWBENCH_TEST_NO_WARMUP),
   * ~0.4 s of CPU per run. Only for tests of counts, kinds and files: a cold thread's first requests are
   * slower, which is what the warm-up exists to keep out of a run's timings.
   */
  warmUp?: boolean;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const startedMs = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, CI: 'true', ...(opts.warmUp === false && { FLOWBENCH_TEST_NO_WARMUP: '1' }), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const invalid = outputSchemaError(outputDirsOf(args, opts.cwd ?? ROOT), startedMs);
      if (invalid !== null) reject(invalid);
      else resolvePromise({ code, stdout, stderr });
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
 * For a file of in-process runs that test counts and files, not timings: the request threads and the
 * embedded simulator start cold (FLOWBENCH_TEST_NO_WARMUP) for this file only, set back after it (test
 * files share a process: vitest.config.ts, isolate: false).
 */
export function coldRunsInThisFile(): void {
  beforeAll(() => {
    process.env.FLOWBENCH_TEST_NO_WARMUP = '1';
  });
  afterAll(() => {
    delete process.env.FLOWBENCH_TEST_NO_WARMUP;
  });
}
