// Shared pieces of grader specs: templated values, key checks, and short quotes for reasons.
import { compileTemplate } from '../dataset/template.js';
import type { GradeContext, SpecProblem } from './types.js';

export type Spec = Record<string, unknown>;

/** Renders a template value ({{expected}}, {{row}}, {{column}}) to text for one result. */
export function textTemplate(source: unknown): (ctx: GradeContext) => string {
  const t = compileTemplate(String(source));
  return (ctx) => {
    // Without the suite's expected answer, {{expected}} is the row's own `expected` field, as the loader
    // allows (suite/check-dataset.ts): a replayed trace's recorded answer.
    const v = t.render({ row: ctx.row, values: ctx.values, ...(ctx.expected !== null && { expected: ctx.expected }) });
    return typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
  };
}

export function checkValue(spec: Spec, key = 'value'): SpecProblem {
  if (typeof spec[key] !== 'string' && typeof spec[key] !== 'number') {
    return { key, message: `\`${key}\` must be a string or a number`, hint: `e.g. ${key}: "{{expected}}"` };
  }
  return null;
}

export function checkBoolean(spec: Spec, key: string): SpecProblem {
  if (spec[key] !== undefined && typeof spec[key] !== 'boolean') return { key, message: `\`${key}\` must be true or false` };
  return null;
}

export function checkNumber(spec: Spec, key: string, min: number, max = Infinity): SpecProblem {
  const v = spec[key];
  if (v !== undefined && (typeof v !== 'number' || !(v >= min && v <= max))) {
    return { key, message: `\`${key}\` must be a number ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}` };
  }
  return null;
}

export function checkEnum(spec: Spec, key: string, allowed: readonly string[]): SpecProblem {
  if (spec[key] !== undefined && !allowed.includes(String(spec[key]))) {
    return { key, message: `\`${key}\` must be one of ${allowed.join(' | ')}, got ${JSON.stringify(spec[key])}` };
  }
  return null;
}

/** The first problem of several checks, or null. */
export function firstProblem(...problems: SpecProblem[]): SpecProblem {
  return problems.find((p) => p !== null) ?? null;
}

/** `case: insensitive` (or `case: false`) folds case; the default is case-sensitive. */
export const ignoresCase = (spec: Spec): boolean => spec.case === 'insensitive' || spec.case === false;
export const CASE_VALUES = ['sensitive', 'insensitive'] as const;
export function checkCase(spec: Spec): SpecProblem {
  if (spec.case === undefined || spec.case === false || spec.case === true) return null;
  return checkEnum(spec, 'case', CASE_VALUES);
}

/** A one-line, bounded quote of user text for a reason. */
export function quote(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ');
  return JSON.stringify([...one].length > max ? `${[...one].slice(0, max).join('')}…` : one);
}

export const passFail = (pass: boolean, yes: string, no: string) => ({ pass, score: pass ? 1 : 0, reason: pass ? yes : no });
