// script: a user's .js / .mjs module (path relative to the suite) exporting
// grade({output, expected, row, rowIndex, variant, metadata, ttftMs, latencyMs}), loaded once per grading
// thread when the thread starts (a module that throws on import fails the run before any request).
// It may return a boolean, a score in 0..1, or {pass, score, reason}, sync or async; a throw, a bad
// return value or a call slower than its `timeout` (a key every grader takes: src/grade/time-limit.ts)
// is a grader error, never a hung run.
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkNumber, firstProblem } from './spec-helpers.js';
import type { GradeContext, GradeOutcome, GraderFamily } from './types.js';

type GradeFn = (args: Record<string, unknown>) => unknown;

export const script: GraderFamily = {
  keys: ['path', 'function', 'threshold'],
  required: ['path'],
  check(spec, env) {
    if (typeof spec.path !== 'string') return { key: 'path', message: '`path` must be a file path' };
    const file = resolve(env.dir, spec.path);
    if (!['.js', '.mjs', '.cjs'].includes(extname(file)))
      return { key: 'path', message: `script must be a .js, .mjs or .cjs module: ${file}`, hint: 'compile TypeScript graders to JavaScript first' };
    if (!existsSync(file)) return { key: 'path', message: `script not found: ${file}`, hint: 'the path is relative to the suite file' };
    if (spec.function !== undefined && (typeof spec.function !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(spec.function)))
      return { key: 'function', message: '`function` must be an export name' };
    return firstProblem(checkNumber(spec, 'threshold', 0, 1));
  },
  prepare(spec, env) {
    const file = resolve(env.dir, String(spec.path));
    const name = typeof spec.function === 'string' ? spec.function : 'grade';
    const threshold = typeof spec.threshold === 'number' ? spec.threshold : 0.5;
    let loaded: GradeFn | null = null;
    const load: Promise<GradeFn> = import(pathToFileURL(file).href).then(
      (m: Record<string, unknown>) => {
        const f = m[name] ?? (name === 'grade' ? ((m.default as Record<string, unknown> | undefined)?.grade ?? m.default) : undefined);
        if (typeof f !== 'function') throw new Error(`${spec.path} exports no function ${name}`);
        return (loaded = f as GradeFn);
      },
      (err: unknown) => {
        throw new Error(`script ${spec.path} could not be loaded: ${(err as Error)?.message ?? String(err)}`.split('\n')[0]!);
      },
    );
    load.catch(() => {}); // reported by ready() and by every call
    const failed = (err: unknown): GradeOutcome => ({
      pass: false,
      score: 0,
      reason: `script ${spec.path}: ${(err as Error)?.message ?? String(err)}`.split('\n')[0]!,
      error: true,
    });
    const answer = (f: GradeFn, ctx: GradeContext): GradeOutcome | Promise<GradeOutcome> => {
      try {
        const value = f(argsOf(ctx));
        // A synchronous script answers synchronously: its call is over when it returns (src/grading/ watches calls in flight).
        if (typeof (value as { then?: unknown } | null)?.then !== 'function') return interpret(value, threshold);
        return Promise.resolve(value)
          .then((v) => interpret(v, threshold))
          .catch(failed);
      } catch (err) {
        return failed(err);
      }
    };
    // Called synchronously once loaded (a grading thread loads it first), so a script that loops is seen looping inside this call.
    const run = (ctx: GradeContext) => (loaded !== null ? answer(loaded, ctx) : load.then((f) => answer(f, ctx), failed));
    const ready = load.then(() => undefined);
    ready.catch(() => {});
    return Object.assign(run, { ready });
  },
};

function argsOf(ctx: GradeContext): Record<string, unknown> {
  return {
    output: ctx.output,
    expected: ctx.expected,
    row: { ...ctx.values },
    rowIndex: ctx.row,
    variant: ctx.variant ?? null,
    metadata: ctx.metadata ?? null,
    ttftMs: ctx.ttftMs ?? null,
    latencyMs: ctx.latencyMs ?? null,
  };
}

/** boolean | number | {pass?, score?, reason?} → a grade; anything else is the script's mistake. */
export function interpret(v: unknown, threshold: number): GradeOutcome {
  if (typeof v === 'boolean') return { pass: v, score: v ? 1 : 0, reason: `script returned ${v}` };
  if (typeof v === 'number' && Number.isFinite(v)) {
    const score = Math.min(1, Math.max(0, v));
    return { pass: score >= threshold, score, reason: `script score ${score.toFixed(3)} ${score >= threshold ? '>=' : '<'} ${threshold}` };
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as { pass?: unknown; score?: unknown; reason?: unknown };
    const hasScore = typeof o.score === 'number' && Number.isFinite(o.score);
    if (typeof o.pass === 'boolean' || hasScore) {
      const score = hasScore ? Math.min(1, Math.max(0, o.score as number)) : o.pass ? 1 : 0;
      const pass = typeof o.pass === 'boolean' ? o.pass : score >= threshold;
      return { pass, score, reason: typeof o.reason === 'string' && o.reason !== '' ? o.reason : `script returned ${pass ? 'pass' : 'fail'}` };
    }
  }
  const shown = JSON.stringify(v) ?? String(v);
  throw new Error(`returned ${shown.slice(0, 80)}: return true/false, a score in 0..1, or {pass, score, reason}`);
}
