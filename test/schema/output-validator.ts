// Checks report.json and results.jsonl against schema/report.schema.json and schema/result.schema.json.
// test/helpers/cli.ts runs it after every CLI call of the test suite, on the files that call wrote, so
// every run, merge, resume and rebuild the suite makes is checked against the published contract.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const ROOT = resolve(import.meta.dirname, '../..');

let compiled: { report: ValidateFunction; result: ValidateFunction } | null = null;

function validators(): { report: ValidateFunction; result: ValidateFunction } {
  if (compiled) return compiled;
  // strict, except that the generator writes `type: [..]` unions (a Record<string, number | string>).
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  const load = (f: string) => ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema', f), 'utf8')) as object);
  compiled = { report: load('report.schema.json'), result: load('result.schema.json') };
  return compiled;
}

const describeErrors = (v: ValidateFunction) => (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');

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
    let value: unknown = undefined;
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
