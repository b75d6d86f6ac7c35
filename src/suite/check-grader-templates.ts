// Grader values are templates over the dataset's columns: a name the dataset lacks is refused at load time,
// at the grader's line, like a bad input template (a typo would otherwise grade every row against "").
import { closestKey } from '../text/closest-key.js';
import type { ConfigError } from '../errors/config-error.js';
import { compileTemplate, RESERVED_NAMES } from '../dataset/template.js';
import { TRANSCRIPT_NAME } from '../dataset/conversations.js';
import type { LoadContext } from './load-context.js';
import type { GraderSpec, Suite } from './types.js';

/** Spec keys whose strings are templates (other keys are patterns, paths or file names). */
const TEMPLATE_KEYS = ['value', 'values', 'prompt', 'inputs', 'equals', 'contains'];

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/** Adds one error per grader whose templates name what a row does not have. */
export function checkGraderTemplates(s: Suite, columns: string[], ctx: LoadContext): void {
  s.graders.forEach((spec, i) => {
    if (ctx.refused.has(['graders', i])) return; // its spec is refused already: its keys may not mean what they say
    const problem = templateProblem(s, spec, i, columns, ctx);
    if (problem !== null) ctx.errors.push(problem);
  });
}

/** The first template of graders[i] naming a column the dataset lacks, or {{expected}} without a source. */
function templateProblem(s: Suite, spec: GraderSpec, i: number, columns: string[], ctx: LoadContext): ConfigError | null {
  // The judge's prompt also sees {{output}}, the answer being graded.
  const extra = spec.type === 'judge' ? ['output'] : [];
  // A conversation-scoped grader also sees the whole conversation.
  if (spec.scope === 'conversation') extra.push(TRANSCRIPT_NAME);
  for (const key of TEMPLATE_KEYS) {
    // number and similarity compare with {{expected}} unless given a value.
    const base = spec.type.replace(/^not-/, '');
    const source = spec[key] ?? (key === 'value' && (base === 'number' || base === 'similarity') ? '{{expected}}' : undefined);
    if (source === undefined) continue;
    for (const text of strings(source)) {
      const names = compileTemplate(text).names;
      const at = ctx.where.has(['graders', i, key]) ? ctx.where.value(['graders', i, key]) : ctx.where.value(['graders', i]);
      if (names.includes('expected') && s.dataset.expected === null && !columns.includes('expected')) {
        return ctx.src.error(
          at,
          `graders[${i}] (${spec.type}): {{expected}} has no source: the suite sets no dataset.expected`,
          'add dataset.expected: "{{answer}}" (your answer column), or give the grader a value',
        );
      }
      const unknown = names.find((n) => !RESERVED_NAMES.includes(n) && !extra.includes(n) && !columns.includes(n));
      if (unknown === undefined) continue;
      const allowed = [...columns, ...RESERVED_NAMES, ...extra].map((c) => `{{${c}}}`).join(' ');
      const near = closestKey(unknown, columns);
      return ctx.src.error(
        at,
        `graders[${i}] (${spec.type}): ${key} names column '${unknown}', which the dataset does not have`,
        `${near === null ? '' : `did you mean {{${near}}}? `}use one of: ${allowed}`,
      );
    }
  }
  return null;
}
