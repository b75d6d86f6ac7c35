// similarity: the output is close enough to the expected text (or `value`) by one measure:
// levenshtein (normalised edit distance), token-f1 or rouge-l (default); passes at score >= threshold.
import { checkEnum, checkNumber, firstProblem, textTemplate } from './spec-helpers.js';
import { SIMILARITY_METHODS, type SimilarityMethod } from './similarity.js';
import type { GraderFamily } from './types.js';

const METHODS = Object.keys(SIMILARITY_METHODS);

export const similarity: GraderFamily = {
  keys: ['value', 'method', 'threshold'],
  required: [],
  check: (spec) =>
    firstProblem(
      spec.value === undefined || typeof spec.value === 'string' || typeof spec.value === 'number'
        ? null
        : { key: 'value', message: '`value` must be a string' },
      checkEnum(spec, 'method', METHODS),
      checkNumber(spec, 'threshold', 0, 1),
    ),
  prepare(spec) {
    const value = textTemplate(spec.value ?? '{{expected}}');
    const method = (spec.method ?? 'rouge-l') as SimilarityMethod;
    const measure = SIMILARITY_METHODS[method];
    const threshold = typeof spec.threshold === 'number' ? spec.threshold : 0.7;
    return (ctx) => {
      const score = measure(ctx.output, value(ctx));
      const pass = score >= threshold;
      return { pass, score, reason: `${method} similarity ${score.toFixed(3)} ${pass ? '>=' : '<'} ${threshold}` };
    };
  },
};
