// Checks report.json and results.jsonl against schema/report.schema.json and schema/result.schema.json.
// test/helpers/cli.ts runs it after every CLI call of the test suite, on the files that call wrote, so
// every run, merge, resume and rebuild the suite makes is checked against the published contract.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

// strict, except that the generator writes `type: [..]` unions (a Record<string, number | string>).
const OPTIONS: Options = { strict: true, allowUnionTypes: true, allErrors: true };

/**
 * Compiled validators are kept as standalone code (Ajv's own, for these options) under node_modules/.cache,
 * named by a hash of the schema, the options and Ajv's version: compiling the two schemas costs ~350 ms of
 * CPU, and every test file that runs the CLI needs them (each file runs in a process of its own).
 */
const CACHE = join(ROOT, 'node_modules/.cache/flowbench-test');

function compileCached(file: string): ValidateFunction {
  const text = readFileSync(join(ROOT, 'schema', file), 'utf8');
  const version = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256')
    .update(`${version}\0${JSON.stringify(OPTIONS)}\0${text}`)
    .digest('hex')
    .slice(0, 20);
  const cached = join(CACHE, `${file.replace(/\.json$/, '')}-${key}.cjs`);
  try {
    return require(cached) as ValidateFunction;
  } catch {
    // Not cached yet (or unreadable): compile, use, and keep the code for the next file.
  }
  const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
  const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: AjvClass, fn: ValidateFunction) => string }).default;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const validate = ajv.compile(JSON.parse(text) as object);
  try {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, standaloneCode(ajv, validate));
    renameSync(tmp, cached); // whole or not at all: other test files may read it at once
  } catch {
    // A cache that cannot be written only costs the next file the compile.
  }
  return validate;
}

let compiled: { report: ValidateFunction; result: ValidateFunction } | null = null;

function validators(): { report: ValidateFunction; result: ValidateFunction } {
  compiled ??= { report: compileCached('report.schema.json'), result: compileCached('result.schema.json') };
  return compiled;
}

const describeErrors = (v: ValidateFunction) =>
  (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('; ');

const HINT = 'if the type changed on purpose: npm run schemas';

/** Problems with a report.json value, or [] when it is valid. */
export function reportProblems(report: unknown): string[] {
  const v = validators().report;
  return v(report) ? [] : [describeErrors(v)];
}

/** Problems with a results.jsonl line's value, or [] when it is valid. */
export function resultProblems(line: unknown): string[] {
  const v = validators().result;
  return v(line) ? [] : [describeErrors(v)];
}

const writtenSince = (path: string, sinceMs: number): boolean => {
  try {
    return statSync(path).mtimeMs >= sinceMs;
  } catch {
    return false;
  }
};

export interface Checked {
  reports: number;
  lines: number;
  problems: string[];
}

/**
 * Validates `dir`'s report.json and results.jsonl when written at or after `sinceMs` (files a test put
 * there by hand are its own business). Only whole lines that parse are read: torn and damaged lines are
 * what some tests write on purpose, and flowbench refuses or skips those itself.
 */
export function checkOutputs(dir: string, sinceMs = 0): Checked {
  const out: Checked = { reports: 0, lines: 0, problems: [] };
  const report = join(dir, 'report.json');
  if (writtenSince(report, sinceMs)) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      // A half-written or hand-damaged file: not this check's concern.
    }
    if (value !== undefined) {
      out.reports++;
      for (const p of reportProblems(value)) out.problems.push(`${report}: ${p} (${HINT})`);
    }
  }
  const results = join(dir, 'results.jsonl');
  if (writtenSince(results, sinceMs)) {
    const lines = readFileSync(results, 'utf8').split('\n');
    lines.pop(); // the text after the last newline: empty, or a torn line
    for (const [i, line] of lines.entries()) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      out.lines++;
      for (const p of resultProblems(value)) out.problems.push(`${results}:${i + 1}: ${p} (${HINT})`);
      if (out.problems.length >= 5) break;
    }
  }
  return out;
}

/** The folders a CLI call writes its run into: `--out DIR`, `--resume DIR`, `report DIR`. */
export function outputDirsOf(args: string[], cwd: string): string[] {
  const dirs: string[] = [];
  for (const [i, a] of args.entries()) {
    if ((a === '--out' || a === '--resume') && args[i + 1] !== undefined) dirs.push(args[i + 1]!);
    else if (a.startsWith('--out=')) dirs.push(a.slice('--out='.length));
  }
  if (args[0] === 'report' && args[1] !== undefined && !args[1].startsWith('-')) dirs.push(args[1]);
  return dirs.map((d) => resolve(cwd, d));
}
