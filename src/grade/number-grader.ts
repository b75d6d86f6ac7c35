// number: the first number in the output (or, with `path`, the number at a JSON path in it) is within
// `tolerance` of the expected number (absolute, or relative when written "5%"). Thousands separators
// (1,234.5) and a leading minus are read; digits inside identifiers (v2, BC-1040) are not numbers.
import { findJson, parseJsonPath, valueAt } from './json-output.js';
import { quote, textTemplate, type Spec } from './spec-helpers.js';
import type { GraderFamily, SpecProblem } from './types.js';

const NUMBER = /(?<![\p{L}\p{N}_.]|[\p{L}\p{N}]-)[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\p{L}_])/gu;

/** The first number written in the text, or null. */
export function firstNumber(text: string): number | null {
  for (const m of text.matchAll(NUMBER)) {
    const raw = m[0].replace(/,/g, '').replace('\u2212', '-');
    if (!/\d/.test(raw)) continue;
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  return null;
}

function parseTolerance(t: unknown): { abs: number } | { rel: number } | null {
  if (t === undefined) return { abs: 0 };
  if (typeof t === 'number' && t >= 0) return { abs: t };
  const m = typeof t === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(t) : null;
  if (!m) return null;
  return m[2] === '%' ? { rel: Number(m[1]) / 100 } : { abs: Number(m[1]) };
}

export const number: GraderFamily = {
  keys: ['value', 'tolerance', 'path'],
  required: [],
  check(spec: Spec): SpecProblem {
    if (spec.value !== undefined && typeof spec.value !== 'string' && typeof spec.value !== 'number')
      return { key: 'value', message: '`value` must be a number or a template' };
    if (typeof spec.value === 'number' && !Number.isFinite(spec.value)) return { key: 'value', message: '`value` must be a finite number' };
    if (spec.path !== undefined && (typeof spec.path !== 'string' || parseJsonPath(spec.path) === null))
      return { key: 'path', message: `invalid JSON path ${JSON.stringify(spec.path)}`, hint: 'e.g. path: $.total' };
    if (parseTolerance(spec.tolerance) === null) return { key: 'tolerance', message: '`tolerance` must be a number >= 0 or a percentage like "5%"' };
    return null;
  },
  prepare(spec) {
    const value = textTemplate(spec.value ?? '{{expected}}');
    const tol = parseTolerance(spec.tolerance)!;
    const steps = typeof spec.path === 'string' ? parseJsonPath(spec.path) : null;
    const read = (output: string): number | null | string => {
      if (!steps) return firstNumber(output);
      const found = findJson(output, true);
      if (!found.ok) return found.reason;
      const v = valueAt(found.value, steps);
      return typeof v === 'number' ? v : typeof v === 'string' ? firstNumber(v) : `no number at ${String(spec.path)}`;
    };
    return (ctx) => {
      const wantText = value(ctx);
      const want = firstNumber(wantText);
      if (want === null) return { pass: false, score: 0, reason: `the expected value ${quote(wantText)} holds no number`, error: true };
      const got = read(ctx.output);
      if (typeof got === 'string') return { pass: false, score: 0, reason: got };
      if (got === null) return { pass: false, score: 0, reason: steps ? `no number at ${String(spec.path)}` : 'output holds no number' };
      const allowed = 'abs' in tol ? tol.abs : Math.abs(want) * tol.rel;
      const diff = Math.abs(got - want);
      // A tiny epsilon so 0.1 + 0.2 style float error never fails an exact match.
      const pass = diff <= allowed + 1e-9 * Math.max(1, Math.abs(want));
      const within = 'abs' in tol ? (tol.abs === 0 ? '' : ` ± ${tol.abs}`) : ` ± ${tol.rel * 100}%`;
      return { pass, score: pass ? 1 : 0, reason: `output's number ${got} ${pass ? 'is' : 'is not'} ${want}${within}` };
    };
  },
};
