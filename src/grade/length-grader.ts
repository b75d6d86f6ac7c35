// length: the output's length is within min / max, counted in chars (code points), words, or tokens
// (OpenAI o200k_base BPE, the tokenizer output tokens are counted with, loaded on first use).
import { loadTokenCounter } from '../metrics/tokenizer.js';
import { checkEnum, checkNumber, firstProblem } from './spec-helpers.js';
import type { GraderFamily } from './types.js';

type Counter = (text: string) => number;

const COUNTERS: Record<string, Counter> = {
  chars: (t) => [...t].length,
  words: (t) => t.split(/\s+/).filter(Boolean).length,
};

export const length: GraderFamily = {
  keys: ['min', 'max', 'unit'],
  required: [],
  check(spec) {
    if (spec.min === undefined && spec.max === undefined)
      return { message: 'grader length needs `min` or `max`', hint: 'e.g. { type: length, max: 400 } (characters), or unit: tokens' };
    const p = firstProblem(checkNumber(spec, 'min', 0), checkNumber(spec, 'max', 0), checkEnum(spec, 'unit', ['chars', 'words', 'tokens']));
    if (p) return p;
    if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) return { key: 'min', message: '`min` is above `max`' };
    return null;
  },
  prepare(spec) {
    const unit = String(spec.unit ?? 'chars');
    const min = typeof spec.min === 'number' ? spec.min : 0;
    const max = typeof spec.max === 'number' ? spec.max : Infinity;
    const judge = (n: number) => {
      const pass = n >= min && n <= max;
      const bound = n < min ? `below min ${min}` : n > max ? `above max ${max}` : `within ${min}..${max === Infinity ? '∞' : max}`;
      return { pass, score: pass ? 1 : 0, reason: `output is ${n} ${unit}, ${bound}` };
    };
    if (unit === 'tokens') {
      const counter = loadTokenCounter();
      return async (ctx) => judge((await counter)(ctx.output));
    }
    const count = COUNTERS[unit]!;
    return (ctx) => judge(count(ctx.output));
  },
};
