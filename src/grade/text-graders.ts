// String-matching graders: equals, contains, icontains. Values are templates ({{expected}}, {{column}}).
import { compileTemplate } from '../dataset/template.js';
import type { GradeContext, GraderFamily } from './types.js';

function valueTemplate(spec: Record<string, unknown>): (ctx: GradeContext) => string {
  const t = compileTemplate(String(spec.value));
  return (ctx) => {
    const v = t.render({ row: ctx.row, values: ctx.values, expected: ctx.expected ?? '' });
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
}

function checkValue(spec: Record<string, unknown>) {
  if (typeof spec.value !== 'string' && typeof spec.value !== 'number') {
    return { key: 'value', message: '`value` must be a string or a number', hint: 'e.g. value: "{{expected}}"' };
  }
  return null;
}

function quote(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ');
  return JSON.stringify(one.length > max ? `${one.slice(0, max)}…` : one);
}

export const equals: GraderFamily = {
  keys: ['value', 'trim', 'case', 'whitespace'],
  required: ['value'],
  check: checkValue,
  prepare(spec) {
    const value = valueTemplate(spec);
    const trim = spec.trim !== false; // trimming is the common expectation (promptfoo trims too)
    const caseInsensitive = spec.case === 'insensitive' || spec.case === false;
    const collapse = spec.whitespace === 'collapse';
    const norm = (s: string) => {
      let t = trim ? s.trim() : s;
      if (collapse) t = t.replace(/\s+/g, ' ');
      return caseInsensitive ? t.toLowerCase() : t;
    };
    return (ctx) => {
      const want = value(ctx);
      const pass = norm(ctx.output) === norm(want);
      return { pass, score: pass ? 1 : 0, reason: pass ? 'output equals the value' : `output ${quote(ctx.output)} does not equal ${quote(want)}` };
    };
  },
};

function containsFamily(ignoreCase: boolean): GraderFamily {
  return {
    keys: ['value'],
    required: ['value'],
    check: checkValue,
    prepare(spec) {
      const value = valueTemplate(spec);
      return (ctx) => {
        const want = value(ctx);
        const hay = ignoreCase ? ctx.output.toLowerCase() : ctx.output;
        const needle = ignoreCase ? want.toLowerCase() : want;
        const pass = hay.includes(needle);
        return { pass, score: pass ? 1 : 0, reason: pass ? `output contains ${quote(want)}` : `output lacks ${quote(want)}` };
      };
    },
  };
}

export const contains = containsFamily(false);
export const icontains = containsFamily(true);
