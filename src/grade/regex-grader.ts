// regex: the output matches a pattern (JavaScript syntax, with flags). Invalid patterns fail at load time.
import type { GraderFamily } from './types.js';

const FLAGS = /^[dgimsuvy]*$/;

export const regex: GraderFamily = {
  keys: ['pattern', 'flags'],
  required: ['pattern'],
  check(spec) {
    if (typeof spec.pattern !== 'string') return { key: 'pattern', message: '`pattern` must be a string' };
    if (spec.flags !== undefined && (typeof spec.flags !== 'string' || !FLAGS.test(spec.flags))) {
      return { key: 'flags', message: `invalid regex flags ${JSON.stringify(spec.flags)}`, hint: 'use letters from "dgimsuy", e.g. flags: i' };
    }
    try {
      new RegExp(spec.pattern, (spec.flags as string | undefined) ?? '');
    } catch (err) {
      return {
        key: 'pattern',
        message: `invalid regular expression: ${(err as Error).message}`,
        hint: 'fix the pattern (JavaScript RegExp syntax; escape backslashes in YAML double quotes)',
      };
    }
    return null;
  },
  prepare(spec) {
    // `g`/`y` make test() stateful across calls; grading must not depend on call order.
    const flags = String(spec.flags ?? '').replace(/[gy]/g, '');
    const re = new RegExp(String(spec.pattern), flags);
    return (ctx) => {
      const pass = re.test(ctx.output);
      return { pass, score: pass ? 1 : 0, reason: pass ? `output matches /${re.source}/${flags}` : `output does not match /${re.source}/${flags}` };
    };
  },
};
