import { describe, expect, it } from 'vitest';
import { checkGraderSpec, prepareGraders } from '../../src/grade/registry.js';

const ctx = (output: string, expected: string | null = null, values: Record<string, unknown> = {}) => ({ output, expected, row: 0, values });

describe('graders', () => {
  const cases: Array<[string, Record<string, unknown>, string, string | null, boolean]> = [
    ['equals trims by default', { type: 'equals', value: 'yes' }, '  yes\n', null, true],
    ['equals is case-sensitive by default', { type: 'equals', value: 'Yes' }, 'yes', null, false],
    ['equals case: insensitive', { type: 'equals', value: 'Yes', case: 'insensitive' }, 'yES', null, true],
    ['equals whitespace: collapse', { type: 'equals', value: 'a b c', whitespace: 'collapse' }, 'a \n b\tc', null, true],
    ['equals trim: false', { type: 'equals', value: 'x', trim: false }, ' x', null, false],
    ['equals empty output', { type: 'equals', value: '' }, '', null, true],
    ['contains expected', { type: 'contains', value: '{{expected}}' }, 'Sure! Refunds take 5 days.', 'Refunds take 5 days.', true],
    ['contains is case-sensitive', { type: 'contains', value: 'refund' }, 'Refund', null, false],
    ['contains a column', { type: 'contains', value: '{{city}}' }, 'Ship to Zürich', null, true],
    ['icontains unicode', { type: 'icontains', value: 'ZÜRICH' }, 'ship to zürich', null, true],
    ['icontains empty output', { type: 'icontains', value: 'x' }, '', null, false],
    ['regex flags', { type: 'regex', pattern: 'refund|return', flags: 'i' }, 'RETURN it', null, true],
    ['regex no match', { type: 'regex', pattern: '^\\d+$' }, '12a', null, false],
    ['regex g flag is not stateful', { type: 'regex', pattern: 'a', flags: 'g' }, 'a', null, true],
    ['not-contains inverts', { type: 'not-contains', value: 'sorry' }, 'Sorry, no', null, true],
    ['not-regex inverts', { type: 'not-regex', pattern: 'sorry', flags: 'i' }, 'Sorry, no', null, false],
  ];
  it.each(cases)('%s', (_name, spec, output, expected, pass) => {
    const g = prepareGraders([spec as { type: string }]);
    const r = g.grade(ctx(output, expected, { city: 'Zürich' }));
    expect(r.pass).toBe(pass);
    expect(r.grades[0]!.score).toBe(pass ? 1 : 0);
    expect(r.grades[0]!.reason.length).toBeGreaterThan(0);
    expect(r.grades[0]!.grader).toBe(spec.type);
  });

  it('combines grades by weight; the row passes only if every grader passes', () => {
    const g = prepareGraders([
      { type: 'contains', value: 'a', weight: 3 },
      { type: 'contains', value: 'z', weight: 1 },
    ]);
    const r = g.grade(ctx('abc'));
    expect(r.pass).toBe(false);
    expect(r.score).toBeCloseTo(0.75);
  });

  it('no graders: pass and score are null', () => {
    expect(prepareGraders([]).grade(ctx('x'))).toEqual({ grades: [], pass: null, score: null });
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
  ];
  it.each(bad)('%s', (_n, spec, msg) => {
    expect(checkGraderSpec(spec as { type: string })?.message).toMatch(msg);
  });
  it('accepts good specs, including not- forms', () => {
    expect(checkGraderSpec({ type: 'not-icontains', value: 'x' })).toBeNull();
    expect(checkGraderSpec({ type: 'regex', pattern: '\\d+', flags: 'iu' })).toBeNull();
  });
});
