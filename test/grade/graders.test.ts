import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareGraders } from '../../src/grade/registry.js';
import type { GradeContext } from '../../src/grade/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const ctx = (output: string, extra: Partial<GradeContext> = {}): GradeContext => ({
  output,
  expected: null,
  row: 0,
  values: { city: 'Zürich', keywords: 'refund; 30 days' },
  ...extra,
});
const gradeOne = async (spec: Record<string, unknown>, c: GradeContext) =>
  (await prepareGraders([spec as { type: string }], { dir: FIXTURES }).grade(c)).grades[0]!;

type Case = [name: string, spec: Record<string, unknown>, output: string, extra: Partial<GradeContext>, pass: boolean, score?: number];

const ORDER = '{"order": {"id": "A-17", "total": 42.5, "items": [{"sku": "X1"}, {"sku": "Y2"}]}, "status": "shipped"}';
const SCHEMA = { type: 'object', required: ['status'], properties: { status: { enum: ['shipped', 'pending'] } } };

const cases: Case[] = [
  // equals / contains / icontains / starts-with / regex
  ['equals trims by default', { type: 'equals', value: 'yes' }, '  yes\n', {}, true],
  ['equals is case-sensitive by default', { type: 'equals', value: 'Yes' }, 'yes', {}, false],
  ['equals case: insensitive', { type: 'equals', value: 'Yes', case: 'insensitive' }, 'yES', {}, true],
  ['equals whitespace: collapse', { type: 'equals', value: 'a b c', whitespace: 'collapse' }, 'a \n b\tc', {}, true],
  ['equals trim: false', { type: 'equals', value: 'x', trim: false }, ' x', {}, false],
  ['equals empty output', { type: 'equals', value: '' }, '', {}, true],
  ['contains expected', { type: 'contains', value: '{{expected}}' }, 'Sure! Refunds take 5 days.', { expected: 'Refunds take 5 days.' }, true],
  ['contains is case-sensitive', { type: 'contains', value: 'refund' }, 'Refund', {}, false],
  ['contains a column', { type: 'contains', value: '{{city}}' }, 'Ship to Zürich', {}, true],
  ['icontains unicode', { type: 'icontains', value: 'ZÜRICH' }, 'ship to zürich', {}, true],
  ['icontains empty output', { type: 'icontains', value: 'x' }, '', {}, false],
  ['starts-with ignores leading space', { type: 'starts-with', value: 'Sure!' }, '  Sure! done', {}, true],
  ['starts-with case-sensitive', { type: 'starts-with', value: 'sure' }, 'Sure! done', {}, false],
  ['starts-with case: insensitive, unicode', { type: 'starts-with', value: 'ÉTÉ', case: 'insensitive' }, 'été chaud', {}, true],
  ['starts-with empty output', { type: 'starts-with', value: 'a' }, '', {}, false],
  ['regex flags', { type: 'regex', pattern: 'refund|return', flags: 'i' }, 'RETURN it', {}, true],
  ['regex no match', { type: 'regex', pattern: '^\\d+$' }, '12a', {}, false],
  ['regex g flag is not stateful', { type: 'regex', pattern: 'a', flags: 'g' }, 'a', {}, true],
  ['regex unicode class', { type: 'regex', pattern: '^\\p{Lu}', flags: 'u' }, 'Ärger', {}, true],
  // contains-any / contains-all
  ['contains-any one of a list', { type: 'contains-any', values: ['refund', 'return'] }, 'you can return it', {}, true],
  ['contains-any none', { type: 'contains-any', values: ['refund', 'return'] }, 'no idea', {}, false],
  ['contains-any from a column split on ;', { type: 'contains-any', values: '{{keywords}}', separator: ';' }, 'within 30 days', {}, true],
  ['contains-all every value', { type: 'contains-all', values: ['refund', '30 days'] }, 'refund within 30 days', {}, true],
  ['contains-all partial credit', { type: 'contains-all', values: ['refund', '30 days', 'receipt', 'online'] }, 'refund within 30 days', {}, false, 0.5],
  ['contains-all case: insensitive', { type: 'contains-all', values: ['REFUND', 'ZÜRICH'], case: 'insensitive' }, 'refund in zürich', {}, true],
  ['contains-all empty output', { type: 'contains-all', values: ['a'] }, '', {}, false],
  // is-json / json-schema / json-path
  ['is-json object', { type: 'is-json' }, ORDER, {}, true],
  ['is-json fenced block', { type: 'is-json' }, '```json\n{"a": 1}\n```', {}, true],
  ['is-json: JSON inside prose is not JSON', { type: 'is-json' }, `Here it is: ${ORDER} Thanks!`, {}, false],
  ['is-json extract: JSON inside prose', { type: 'is-json', extract: true }, `Here it is: ${ORDER} Thanks!`, {}, true],
  ['is-json extract skips a brace that is not JSON', { type: 'is-json', extract: true }, 'use {curly} then {"ok": true}', {}, true],
  ['is-json empty output', { type: 'is-json' }, '', {}, false],
  ['is-json truncated', { type: 'is-json', extract: true }, '{"a": [1, 2', {}, false],
  ['json-schema valid', { type: 'json-schema', schema: SCHEMA }, ORDER, {}, true],
  ['json-schema invalid value', { type: 'json-schema', schema: SCHEMA }, '{"status": "lost"}', {}, false],
  ['json-schema from a file', { type: 'json-schema', schema: 'order.schema.json' }, ORDER, {}, true],
  ['json-schema format (ajv-formats)', { type: 'json-schema', schema: { type: 'string', format: 'email' } }, '"a@b.example"', {}, true],
  ['json-schema not JSON', { type: 'json-schema', schema: SCHEMA }, 'shipped', {}, false],
  ['json-path exists', { type: 'json-path', path: '$.order.items[1].sku' }, ORDER, {}, true],
  ['json-path missing', { type: 'json-path', path: '$.order.items[5].sku' }, ORDER, {}, false],
  ['json-path equals a string template', { type: 'json-path', path: 'order.id', equals: '{{expected}}' }, ORDER, { expected: 'A-17' }, true],
  ['json-path equals a number', { type: 'json-path', path: '$.order.total', equals: 42.5 }, ORDER, {}, true],
  ['json-path equals a list', { type: 'json-path', path: '$.order.items[0]', equals: { sku: 'X1' } }, ORDER, {}, true],
  ['json-path equals mismatch', { type: 'json-path', path: '$.status', equals: 'pending' }, ORDER, {}, false],
  ['json-path contains', { type: 'json-path', path: '$.order.id', contains: 'A-' }, ORDER, {}, true],
  ['json-path matches', { type: 'json-path', path: '$.status', matches: '^SHIP', flags: 'i' }, ORDER, {}, true],
  ['json-path quoted key, unicode', { type: 'json-path', path: "$['straße']", equals: 'ü' }, '{"straße": "ü"}', {}, true],
  ['json-path inside prose with extract', { type: 'json-path', path: '$.status', equals: 'shipped', extract: true }, `Result: ${ORDER}`, {}, true],
  // number
  ['number exact', { type: 'number' }, 'It takes 14 days.', { expected: '14' }, true],
  ['number first number only', { type: 'number', value: 7 }, 'from 5 to 7 days', {}, false],
  ['number thousands separator', { type: 'number', value: 1234.5 }, 'total: 1,234.50 EUR', {}, true],
  ['number absolute tolerance', { type: 'number', value: 100, tolerance: 2 }, '≈ 98.5', {}, true],
  ['number relative tolerance', { type: 'number', value: 100, tolerance: '1%' }, '98', {}, false],
  ['number negative and unicode minus', { type: 'number', value: -3.5 }, 'delta −3.5 °C', {}, true],
  ['number ignores digits inside words', { type: 'number', value: 42 }, 'model v2: 42', {}, true],
  ['number no number in output', { type: 'number', value: 1 }, 'none', {}, false],
  ['number skips identifiers like BC-1040', { type: 'number', value: 3 }, 'order BC-1040 has 3 items', {}, true],
  ['number at a JSON path', { type: 'number', path: '$.order.total', value: '{{expected}}', tolerance: 0.01 }, `Total: ${ORDER}`, { expected: '42.505' }, true],
  ['number at a JSON path, wrong', { type: 'number', path: '$.order.total', value: 40 }, ORDER, {}, false],
  ['number at a JSON path that is missing', { type: 'number', path: '$.nope', value: 40 }, ORDER, {}, false],
  // similarity
  ['similarity rouge-l default', { type: 'similarity', value: 'refunds take five to seven days' }, 'Refunds take five to seven business days.', {}, true],
  ['similarity token-f1 low', { type: 'similarity', value: 'refunds take five days', method: 'token-f1', threshold: 0.8 }, 'shipping is free', {}, false, 0],
  ['similarity levenshtein unicode', { type: 'similarity', value: 'Zürich', method: 'levenshtein', threshold: 0.8 }, 'Zurich', {}, true],
  ['similarity both empty', { type: 'similarity', value: '', method: 'token-f1' }, '', {}, true, 1],
  ['similarity empty output', { type: 'similarity', value: 'something' }, '', {}, false, 0],
  // length
  ['length chars max', { type: 'length', max: 5 }, 'héllo', {}, true],
  ['length chars counts code points', { type: 'length', max: 2 }, '😀😀', {}, true],
  ['length min fails', { type: 'length', min: 3 }, 'ab', {}, false],
  ['length words', { type: 'length', min: 2, max: 3, unit: 'words' }, ' one two\nthree ', {}, true],
  ['length tokens', { type: 'length', max: 3, unit: 'tokens' }, 'Hello world', {}, true],
  ['length tokens over', { type: 'length', max: 3, unit: 'tokens' }, 'Open Orders, choose the item and click Request refund.', {}, false],
  ['length empty output', { type: 'length', min: 1 }, '', {}, false],
  // ttft / latency
  ['ttft within', { type: 'ttft', max: 500 }, 'x', { ttftMs: 320 }, true],
  ['ttft over, duration form', { type: 'ttft', max: '0.3s' }, 'x', { ttftMs: 320 }, false],
  ['latency within', { type: 'latency', max: '2s' }, 'x', { latencyMs: 1999 }, true],
  ['latency over', { type: 'latency', max: 1000 }, 'x', { latencyMs: 1000.5 }, false],
  // script
  ['script boolean', { type: 'script', path: 'graders.mjs' }, 'Refund OK', { expected: 'refund' }, true],
  ['script score below threshold', { type: 'script', path: 'graders.mjs', function: 'scored' }, 'abc', {}, false, 0.3],
  ['script score with threshold', { type: 'script', path: 'graders.mjs', function: 'scored', threshold: 0.2 }, 'abc', {}, true, 0.3],
  [
    'script async object, sees row and metadata',
    { type: 'script', path: 'graders.mjs', function: 'detailed' },
    'ab',
    { values: { prefix: 'a' }, metadata: { total_tokens: 9 } },
    true,
    0.5,
  ],
  // empty output, for the graders not covered above
  ['contains empty output', { type: 'contains', value: 'x' }, '', {}, false],
  ['not-contains empty output', { type: 'not-contains', value: 'x' }, '', {}, true],
  ['regex empty output', { type: 'regex', pattern: '^$' }, '', {}, true],
  ['contains-any empty output', { type: 'contains-any', values: ['a', 'b'] }, '', {}, false],
  ['json-schema empty output', { type: 'json-schema', schema: SCHEMA }, '', {}, false],
  ['json-path empty output', { type: 'json-path', path: '$.a', extract: true }, '', {}, false],
  ['number empty output', { type: 'number', value: 0 }, '', {}, false],
  ['script empty output', { type: 'script', path: 'graders.mjs' }, '', { expected: 'x' }, false],
  ['ttft is about timing, not text', { type: 'ttft', max: 100 }, '', { ttftMs: 50 }, true],
  // unicode
  ['equals unicode case-folding', { type: 'equals', value: 'STRASSE ÄÖÜ', case: 'insensitive' }, 'strasse äöü', {}, true],
  ['contains emoji', { type: 'contains', value: '👍' }, 'great 👍!', {}, true],
  ['contains-all CJK from a column', { type: 'contains-all', values: ['東京', '大阪'] }, '東京と大阪', {}, true],
  ['json-path unicode value', { type: 'json-path', path: 'city', equals: '{{city}}' }, '{"city": "Zürich"}', {}, true],
  ['similarity token-f1 over CJK words', { type: 'similarity', value: '東京 大阪', method: 'token-f1', threshold: 0.9 }, '大阪 東京', {}, true, 1],
  // not-
  ['not-contains inverts', { type: 'not-contains', value: 'sorry' }, 'Sorry, no', {}, true],
  ['not-regex inverts', { type: 'not-regex', pattern: 'sorry', flags: 'i' }, 'Sorry, no', {}, false],
  ['not-similarity inverts the score', { type: 'not-similarity', value: 'abc', method: 'levenshtein', threshold: 0.5 }, 'abd', {}, false],
];

describe('graders', () => {
  it.each(cases)('%s', async (_name, spec, output, extra, pass, score) => {
    const g = await gradeOne(spec, ctx(output, extra));
    expect(g.error, g.reason).toBeFalsy();
    expect(g.pass, g.reason).toBe(pass);
    if (score !== undefined) expect(g.score).toBeCloseTo(score, 3);
    else if (!['similarity', 'not-similarity'].includes(String(spec.type))) expect(g.score).toBe(pass ? 1 : 0);
    expect(g.score).toBeGreaterThanOrEqual(0);
    expect(g.score).toBeLessThanOrEqual(1);
    expect(g.reason.length).toBeGreaterThan(0);
    expect(g.grader).toBe(spec.type);
  });

  const errors: Array<[string, Record<string, unknown>, Partial<GradeContext>, RegExp]> = [
    ['ttft not measured (run mode)', { type: 'ttft', max: 500 }, { ttftMs: null }, /not measured/],
    ['number: expected holds no number', { type: 'number' }, { expected: 'n/a' }, /holds no number/],
    ['script throws', { type: 'script', path: 'graders.mjs', function: 'throws' }, {}, /boom/],
    ['script returns a bad value', { type: 'script', path: 'graders.mjs', function: 'bad' }, {}, /returned "yes"/],
    ['script export missing', { type: 'script', path: 'graders.mjs', function: 'nope' }, {}, /exports no function nope/],
    ['script slower than its timeout', { type: 'script', path: 'graders.mjs', function: 'slow', timeout: 50 }, {}, /timed out after 50 ms/],
    ['judge outside a worker', { type: 'judge', flow_id: 'j', prompt: '{{output}}' }, {}, /no StackAI client/],
    ['contains-all with an empty column', { type: 'contains-all', values: '{{missing}}' }, {}, /no values/],
  ];
  it.each(errors)('grader error: %s', async (_name, spec, extra, reason) => {
    const g = await gradeOne(spec, ctx('some output', extra));
    expect(g).toMatchObject({ pass: false, score: 0, error: true });
    expect(g.reason).toMatch(reason);
  });

  it('a grader error is not inverted by not-', async () => {
    const g = await gradeOne({ type: 'not-ttft', max: 5 }, ctx('x', { ttftMs: null }));
    expect(g).toMatchObject({ pass: false, error: true });
  });

  it('name replaces the type in grades', async () => {
    const g = await gradeOne({ type: 'contains', value: 'a', name: 'mentions a' }, ctx('a'));
    expect(g.grader).toBe('mentions a');
  });
});
