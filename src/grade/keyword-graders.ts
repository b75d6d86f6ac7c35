// contains-any / contains-all: the output holds at least one / every value of a list.
// `values` is a list of templates, or one template split on `separator` (default ",") — e.g. a dataset column.
import { checkCase, checkValue, firstProblem, ignoresCase, quote, textTemplate, type Spec } from './spec-helpers.js';
import type { GradeContext, GraderFamily, SpecProblem } from './types.js';

function checkValues(spec: Spec): SpecProblem {
  const v = spec.values;
  if (Array.isArray(v)) {
    if (v.length === 0) return { key: 'values', message: '`values` is an empty list', hint: 'list at least one value' };
    if (v.some((x) => typeof x !== 'string' && typeof x !== 'number')) return { key: 'values', message: '`values` must list strings or numbers' };
    return null;
  }
  if (typeof v === 'string') return spec.separator === undefined ? null : checkValue(spec, 'separator');
  return {
    key: 'values',
    message: '`values` must be a list or a string',
    hint: 'e.g. values: [refund, return], or values: "{{keywords}}" with separator: ";"',
  };
}

/** The needles for one result: rendered, split when a single string, blanks dropped. */
function valuesOf(spec: Spec): (ctx: GradeContext) => string[] {
  if (Array.isArray(spec.values)) {
    const ts = spec.values.map(textTemplate);
    return (ctx) => ts.map((t) => t(ctx)).filter((s) => s !== '');
  }
  const t = textTemplate(spec.values);
  const sep = spec.separator === undefined ? ',' : String(spec.separator);
  return (ctx) =>
    t(ctx)
      .split(sep)
      .map((s) => s.trim())
      .filter((s) => s !== '');
}

function family(all: boolean): GraderFamily {
  return {
    keys: ['values', 'separator', 'case'],
    required: ['values'],
    check: (spec) => firstProblem(checkValues(spec), checkCase(spec)),
    prepare(spec) {
      const values = valuesOf(spec);
      const fold = ignoresCase(spec);
      return (ctx) => {
        const needles = values(ctx);
        if (needles.length === 0) return { pass: false, score: 0, reason: 'no values to look for (the template rendered empty)', error: true };
        const hay = fold ? ctx.output.toLowerCase() : ctx.output;
        const found = needles.filter((n) => hay.includes(fold ? n.toLowerCase() : n));
        const missing = needles.filter((n) => !found.includes(n));
        if (all) {
          const pass = missing.length === 0;
          // Partial credit: the share found, so a near miss scores above a total miss.
          return {
            pass,
            score: found.length / needles.length,
            reason: pass ? `output contains all ${needles.length} values` : `output lacks ${missing.map((m) => quote(m, 30)).join(', ')}`,
          };
        }
        const pass = found.length > 0;
        return {
          pass,
          score: pass ? 1 : 0,
          reason: pass ? `output contains ${quote(found[0]!, 30)}` : `output contains none of ${needles.map((m) => quote(m, 30)).join(', ')}`,
        };
      };
    },
  };
}

export const containsAny = family(false);
export const containsAll = family(true);
