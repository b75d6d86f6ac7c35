// Maps grader type -> family, handles `not-` inversion once, and combines a row's grades.
import type { GraderSpec } from '../suite/types.js';
import { regex } from './regex-grader.js';
import { contains, equals, icontains } from './text-graders.js';
import type { Grade, GradeContext, GraderFamily, PreparedGrader } from './types.js';

const FAMILIES: Record<string, GraderFamily> = { equals, contains, icontains, regex };

const COMMON_KEYS = ['type', 'weight'];

export const GRADER_TYPES: readonly string[] = Object.keys(FAMILIES);

/** Each base type's own keys and required keys (the JSON Schema and the suite reference are generated from these). */
export const GRADER_KEYS: Readonly<Record<string, { keys: readonly string[]; required: readonly string[] }>> = Object.fromEntries(
  Object.entries(FAMILIES).map(([type, f]) => [type, { keys: f.keys, required: f.required }]),
);

function resolve(type: string): { family: GraderFamily | undefined; negate: boolean; base: string } {
  const negate = type.startsWith('not-');
  const base = negate ? type.slice(4) : type;
  return { family: FAMILIES[base], negate, base };
}

/** Load-time check of one grader spec; null when it is fine. */
export function checkGraderSpec(spec: GraderSpec): { key?: string; message: string; hint?: string } | null {
  const { family } = resolve(spec.type);
  if (!family) {
    return { key: 'type', message: `unknown grader type "${spec.type}"`, hint: `use one of: ${GRADER_TYPES.join(', ')} (prefix not- to invert)` };
  }
  for (const key of Object.keys(spec)) {
    if (!COMMON_KEYS.includes(key) && !family.keys.includes(key)) {
      return { key, message: `unknown key "${key}" for grader ${spec.type}`, hint: `keys for ${spec.type}: ${[...family.keys, 'weight'].join(', ')}` };
    }
  }
  for (const key of family.required) {
    if (spec[key] === undefined) return { message: `grader ${spec.type} needs \`${key}\``, hint: `add ${key}: ...` };
  }
  if (spec.weight !== undefined && (typeof spec.weight !== 'number' || !(spec.weight >= 0))) {
    return { key: 'weight', message: '`weight` must be a number >= 0' };
  }
  return family.check(spec);
}

export interface RowGrader {
  grade(ctx: GradeContext): { grades: Grade[]; pass: boolean | null; score: number | null };
}

/** Prepares every grader of a suite once; grade() is then called per result. */
export function prepareGraders(specs: GraderSpec[]): RowGrader {
  const prepared = specs.map((spec) => {
    const { family, negate } = resolve(spec.type);
    if (!family) throw new Error(`unknown grader type ${spec.type}`); // the loader has refused it already
    const run: PreparedGrader = family.prepare(spec);
    const weight = typeof spec.weight === 'number' ? spec.weight : 1;
    return { name: spec.type, run, negate, weight };
  });
  return {
    grade(ctx) {
      if (prepared.length === 0) return { grades: [], pass: null, score: null };
      const grades: Grade[] = prepared.map(({ name, run, negate }) => {
        let g: Omit<Grade, 'grader'>;
        try {
          g = run(ctx);
        } catch (err) {
          return { grader: name, pass: false, score: 0, reason: `grader error: ${(err as Error).message}`, error: true };
        }
        if (negate && !g.error) g = { pass: !g.pass, score: 1 - g.score, reason: `not: ${g.reason}` };
        return { grader: name, ...g };
      });
      let total = 0;
      let weighted = 0;
      prepared.forEach((p, i) => {
        total += p.weight;
        weighted += p.weight * grades[i]!.score;
      });
      return { grades, pass: grades.every((g) => g.pass), score: total > 0 ? weighted / total : 0 };
    },
  };
}
