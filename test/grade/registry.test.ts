import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGraderSpec, combine, GRADER_TYPES, prepareGraders } from '../../src/grade/registry.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const ctx = (output: string) => ({ output, expected: null, row: 0, values: {} });

describe('combining grades', () => {
  it('weights the score; without pass_score the row passes only if every grader passes', async () => {
    const g = prepareGraders([
      { type: 'contains', value: 'a', weight: 3 },
      { type: 'contains', value: 'z', weight: 1 },
    ]);
    const r = await g.grade(ctx('abc'));
    expect(r.pass).toBe(false);
    expect(r.score).toBeCloseTo(0.75);
  });

  it('no graders: pass and score are null', async () => {
    expect(await prepareGraders([]).grade(ctx('x'))).toEqual({ grades: [], pass: null, score: null });
  });

  const g = (pass: boolean, score = pass ? 1 : 0, error = false) => ({ grader: 'x', pass, score, reason: 'r', ...(error && { error }) });
  const m = (weight = 1, required = false) => ({ weight, required });
  const cases: Array<[string, ReturnType<typeof g>[], ReturnType<typeof m>[], number | null, boolean, number]> = [
    ['pass_score met although one grader failed', [g(true), g(true), g(false)], [m(), m(), m()], 0.6, true, 2 / 3],
    ['pass_score missed', [g(true), g(false)], [m(), m()], 0.6, false, 0.5],
    ['a required grader fails: row fails whatever the score', [g(true), g(false)], [m(9), m(1, true)], 0.5, false, 0.9],
    ['required grader passes, score meets pass_score', [g(true), g(false)], [m(1, true), m(1)], 0.5, true, 0.5],
    ['a grader error fails the row', [g(true), g(false, 0, true)], [m(9), m(1)], 0.5, false, 0.9],
    ['weight 0 graders still must pass without pass_score', [g(true), g(false)], [m(1, true), m(0, true)], null, false, 1],
    ['all weights 0: score follows the verdict', [g(true)], [m(0, true)], null, true, 1],
  ];
  it.each(cases)('%s', (_n, grades, meta, passScore, pass, score) => {
    const r = combine(grades, meta, passScore);
    expect(r.pass).toBe(pass);
    expect(r.score).toBeCloseTo(score);
  });

  it('pass_score and required through prepareGraders', async () => {
    const specs = [
      { type: 'contains', value: 'refund', required: true },
      { type: 'contains', value: '30 days' },
      { type: 'contains', value: 'receipt' },
    ];
    const grader = prepareGraders(specs, { dir: FIXTURES, passScore: 0.6 });
    expect((await grader.grade(ctx('refund within 30 days'))).pass).toBe(true);
    expect((await grader.grade(ctx('30 days with receipt'))).pass).toBe(false); // required missing
  });
});

describe('checkGraderSpec', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown type', { type: 'contain', value: 'x' }, /unknown grader type "contain"/],
    ['missing value', { type: 'contains' }, /needs `value`/],
    ['invalid regex', { type: 'regex', pattern: '(' }, /invalid regular expression/],
    ['invalid flags', { type: 'regex', pattern: 'a', flags: 'q' }, /invalid regex flags/],
    ['unknown key', { type: 'contains', value: 'x', valeu: 1 }, /unknown key "valeu"/],
    ['bad weight', { type: 'contains', value: 'x', weight: -1 }, /weight/],
    ['bad required', { type: 'contains', value: 'x', required: 'yes' }, /required/],
    ['bad case', { type: 'equals', value: 'x', case: 'upper' }, /case/],
    ['empty values list', { type: 'contains-any', values: [] }, /empty list/],
    ['values not a list', { type: 'contains-all', values: { a: 1 } }, /list or a string/],
    ['invalid JSON schema', { type: 'json-schema', schema: { type: 'objekt' } }, /invalid JSON Schema/],
    ['schema file missing', { type: 'json-schema', schema: 'nope.json' }, /schema file not found/],
    ['schema not a mapping', { type: 'json-schema', schema: 3 }, /must be a mapping/],
    ['bad JSON path', { type: 'json-path', path: 'a..b' }, /invalid JSON path/],
    ['json-path two tests', { type: 'json-path', path: 'a', equals: 1, contains: 'x' }, /not equals and contains/],
    ['json-path invalid matches', { type: 'json-path', path: 'a', matches: '[' }, /invalid regular expression/],
    ['number bad tolerance', { type: 'number', tolerance: 'a lot' }, /tolerance/],
    ['similarity unknown method', { type: 'similarity', method: 'cosine' }, /method/],
    ['similarity threshold > 1', { type: 'similarity', threshold: 2 }, /threshold/],
    ['length without bounds', { type: 'length' }, /needs `min` or `max`/],
    ['length min above max', { type: 'length', min: 5, max: 2 }, /above/],
    ['length unknown unit', { type: 'length', max: 2, unit: 'bytes' }, /unit/],
    ['ttft bad max', { type: 'ttft', max: 'soon' }, /max/],
    ['latency needs max', { type: 'latency' }, /needs `max`/],
    ['script missing file', { type: 'script', path: 'missing.mjs' }, /script not found/],
    ['script wrong extension', { type: 'script', path: 'order.schema.json' }, /\.js, \.mjs or \.cjs/],
    ['script bad timeout', { type: 'script', path: 'graders.mjs', timeout: -1 }, /timeout/],
    ['judge without prompt or inputs', { type: 'judge', flow_id: 'j' }, /needs `prompt`/],
    ['judge both score readers', { type: 'judge', flow_id: 'j', prompt: 'x', score_regex: 'a', score_path: 'b' }, /not both/],
    ['judge invalid score_regex', { type: 'judge', flow_id: 'j', prompt: 'x', score_regex: '(' }, /invalid regular expression/],
    ['judge bad max', { type: 'judge', flow_id: 'j', prompt: 'x', max: 0 }, /max/],
  ];
  it.each(bad)('%s', (_n, spec, msg) => {
    expect(checkGraderSpec(spec as { type: string }, { dir: FIXTURES })?.message).toMatch(msg);
  });

  it('accepts good specs of every type, including not- forms', () => {
    const good: Record<string, unknown>[] = [
      { type: 'not-icontains', value: 'x' },
      { type: 'regex', pattern: '\\d+', flags: 'iu' },
      { type: 'contains-any', values: '{{keywords}}', separator: ';' },
      { type: 'json-schema', schema: 'order.schema.json' },
      { type: 'json-path', path: '$.a[0]["b c"]', matches: 'x' },
      { type: 'number', tolerance: '5%' },
      { type: 'length', max: 100, unit: 'tokens' },
      { type: 'ttft', max: '1.5s', weight: 0, required: true, name: 'fast start' },
      { type: 'script', path: 'graders.mjs', function: 'scored', timeout: '2s' },
      { type: 'judge', flow_id: 'judge', inputs: { 'in-0': '{{output}}', strict: true }, score_path: '$.score', max: 10 },
    ];
    for (const spec of good) expect(checkGraderSpec(spec as { type: string }, { dir: FIXTURES }), JSON.stringify(spec)).toBeNull();
  });

  it('every issue-listed type has a family', () => {
    for (const t of [
      'equals',
      'contains',
      'icontains',
      'contains-any',
      'contains-all',
      'starts-with',
      'regex',
      'is-json',
      'json-schema',
      'json-path',
      'number',
      'similarity',
      'length',
      'ttft',
      'latency',
      'script',
      'judge',
    ]) {
      expect(GRADER_TYPES).toContain(t);
    }
  });
});
