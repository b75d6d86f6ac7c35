// String-matching graders: equals, contains, icontains, starts-with. Values are templates ({{expected}}, {{column}}).
import { checkBoolean, checkCase, checkEnum, checkValue, firstProblem, ignoresCase, passFail, quote, textTemplate } from './spec-helpers.js';
import type { GraderFamily } from './types.js';

export const equals: GraderFamily = {
  keys: ['value', 'trim', 'case', 'whitespace'],
  required: ['value'],
  check: (spec) => firstProblem(checkValue(spec), checkBoolean(spec, 'trim'), checkCase(spec), checkEnum(spec, 'whitespace', ['keep', 'collapse'])),
  prepare(spec) {
    const value = textTemplate(spec.value);
    const trim = spec.trim !== false; // trimming is the common expectation (promptfoo trims too)
    const fold = ignoresCase(spec);
    const collapse = spec.whitespace === 'collapse';
    const norm = (s: string) => {
      let t = trim ? s.trim() : s;
      if (collapse) t = t.replace(/\s+/g, ' ');
      return fold ? t.toLowerCase() : t;
    };
    return (ctx) => {
      const want = value(ctx);
      return passFail(norm(ctx.output) === norm(want), 'output equals the value', `output ${quote(ctx.output)} does not equal ${quote(want)}`);
    };
  },
};

function containsFamily(ignoreCase: boolean): GraderFamily {
  return {
    keys: ['value'],
    required: ['value'],
    check: (spec) => checkValue(spec),
    prepare(spec) {
      const value = textTemplate(spec.value);
      return (ctx) => {
        const want = value(ctx);
        const hay = ignoreCase ? ctx.output.toLowerCase() : ctx.output;
        const needle = ignoreCase ? want.toLowerCase() : want;
        return passFail(hay.includes(needle), `output contains ${quote(want)}`, `output lacks ${quote(want)}`);
      };
    },
  };
}

export const contains = containsFamily(false);
export const icontains = containsFamily(true);

export const startsWith: GraderFamily = {
  keys: ['value', 'trim', 'case'],
  required: ['value'],
  check: (spec) => firstProblem(checkValue(spec), checkBoolean(spec, 'trim'), checkCase(spec)),
  prepare(spec) {
    const value = textTemplate(spec.value);
    const trim = spec.trim !== false; // leading whitespace of a stream is rarely meaningful
    const fold = ignoresCase(spec);
    return (ctx) => {
      const want = value(ctx);
      let out = trim ? ctx.output.trimStart() : ctx.output;
      let prefix = want;
      if (fold) [out, prefix] = [out.toLowerCase(), prefix.toLowerCase()];
      return passFail(
        out.startsWith(prefix),
        `output starts with ${quote(want)}`,
        `output starts ${quote(ctx.output.trimStart().slice(0, want.length + 10))}, not ${quote(want)}`,
      );
    };
  },
};
