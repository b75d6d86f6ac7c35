import { describe, expect, it } from 'vitest';
import { pageRows, runTimeMs, traceLine, type RowOptions } from '../../src/pull/analytics-row.js';
import { IdHasher } from '../../src/pull/id-hasher.js';
import { traceProblems } from './trace-format.js';

const plain: RowOptions = { expected: false, outputKey: 'out-0', inputKey: 'in-0', ids: null };
const row = (over: Record<string, unknown> = {}) => ({
  run_id: 'r-1',
  date: '2025-11-03T09:00:00.125000Z',
  inputs: '{"in-0": "What is your refund policy?"}',
  outputs: '{"out-0": "Refunds within 30 days."}',
  user_id: 'alice',
  conversation_id: 'c-9',
  latency: 1.92,
  total_tokens: 412,
  state: 'COMPLETED',
  ...over,
});

describe('runTimeMs', () => {
  it.each([
    ['2025-11-03T09:00:00.125000Z', Date.UTC(2025, 10, 3, 9, 0, 0, 125)],
    ['2025-11-03T09:00:00.125+01:00', Date.UTC(2025, 10, 3, 8, 0, 0, 125)],
    // A time without a zone is UTC, whatever the zone of the machine pulling.
    ['2025-11-03T09:00:00', Date.UTC(2025, 10, 3, 9)],
    ['2025-11-03 09:00:00', Date.UTC(2025, 10, 3, 9)],
    ['2025-11-03', Date.UTC(2025, 10, 3)],
    [1762160400, 1762160400000],
    [1762160400125, 1762160400125],
    ['1762160400', 1762160400000],
  ])('%s', (input, ms) => {
    expect(runTimeMs(input)).toBe(ms);
  });

  it.each([[null], [undefined], [''], ['yesterday'], [-5], [Number.NaN], [{}]])('%s is no time', (input) => {
    expect(runTimeMs(input)).toBeNull();
  });
});

describe('traceLine', () => {
  it('writes the fields of the trace format, in its order, and ignores the rest', () => {
    const got = traceLine(row({ llms: '[]', feedback: null, run_type: 'api', is_flow_successful: true, error: null }), plain);
    expect(got).toEqual({
      ms: Date.UTC(2025, 10, 3, 9, 0, 0, 125),
      line: {
        timestamp: '2025-11-03T09:00:00.125Z',
        inputs: { 'in-0': 'What is your refund policy?' },
        user_id: 'alice',
        conversation_id: 'c-9',
        run_id: 'r-1',
        state: 'COMPLETED',
        latency_s: 1.92,
        total_tokens: 412,
      },
    });
    if ('line' in got)
      expect(Object.keys(got.line)).toEqual(['timestamp', 'inputs', 'user_id', 'conversation_id', 'run_id', 'state', 'latency_s', 'total_tokens']);
  });

  it('reads inputs as an object, as JSON text, or as plain text under the input key', () => {
    const inputs = (v: unknown) => {
      const got = traceLine(row({ inputs: v }), plain);
      return 'line' in got ? got.line.inputs : got.skip;
    };
    expect(inputs({ 'in-0': 'hi', 'in-1': 2 })).toEqual({ 'in-0': 'hi', 'in-1': 2 });
    expect(inputs('{"in-0":"hi","stream":true}')).toEqual({ 'in-0': 'hi', stream: true });
    expect(inputs('just a question')).toEqual({ 'in-0': 'just a question' });
    expect(inputs('[1,2]')).toEqual({ 'in-0': '[1,2]' });
    for (const none of [null, undefined, '', '{}', {}]) expect(inputs(none)).toBe('no inputs');
  });

  it('skips a row without a usable date, whatever else it has', () => {
    expect(traceLine(row({ date: undefined }), plain)).toEqual({ skip: 'no date' });
    expect(traceLine(row({ date: 'soon' }), plain)).toEqual({ skip: 'no date' });
    expect(traceLine(null, plain)).toEqual({ skip: 'no date' });
    expect(traceLine('a string', plain)).toEqual({ skip: 'no date' });
  });

  it('leaves out what is missing or of another type: the row is still a request', () => {
    const got = traceLine(
      { date: '2025-11-03T09:00:00Z', inputs: { 'in-0': 'q' }, user_id: null, latency: 'slow', total_tokens: null, extra: { deep: 1 } },
      plain,
    );
    expect(got).toEqual({ ms: Date.UTC(2025, 10, 3, 9), line: { timestamp: '2025-11-03T09:00:00.000Z', inputs: { 'in-0': 'q' } } });
  });

  it('keeps the output as expected only when asked: the output key, else the only output', () => {
    const expected = (outputs: unknown, outputKey = 'out-0') => {
      const got = traceLine(row({ outputs }), { ...plain, expected: true, outputKey });
      return 'line' in got ? got.line.expected : got.skip;
    };
    expect(expected('{"out-0": "Refunds within 30 days."}')).toBe('Refunds within 30 days.');
    expect(expected({ 'out-0': 'a', 'out-1': 'b' }, 'out-1')).toBe('b');
    expect(expected({ answer: 'only one' })).toBe('only one');
    expect(expected({ a: 'x', b: 'y' })).toBeUndefined();
    expect(expected('plain text answer')).toBe('plain text answer');
    expect(expected({ 'out-0': { n: 1 } })).toBe('{"n":1}');
    expect(expected(null)).toBeUndefined();
    const off = traceLine(row(), plain);
    expect('line' in off && 'expected' in off.line).toBe(false);
  });

  it('--anonymise: equal ids hash equal, different ids apart, users apart from conversations, ids in the inputs too', () => {
    const ids = new IdHasher();
    const opts = { ...plain, ids };
    const line = (over: Record<string, unknown>) => {
      const got = traceLine(row(over), opts);
      if (!('line' in got)) throw new Error('skipped');
      return got.line;
    };
    const a1 = line({ user_id: 'alice', conversation_id: 'alice', inputs: { 'in-0': 'q', user_id: 'alice' } });
    const a2 = line({ user_id: 'alice', conversation_id: 'c-2' });
    const b = line({ user_id: 'bob' });
    expect(a1.user_id).toMatch(/^u-[0-9a-f]{16}$/);
    expect(a1.user_id).toBe(a2.user_id);
    expect(a1.user_id).not.toBe(b.user_id);
    expect(a1.conversation_id).toMatch(/^c-[0-9a-f]{16}$/);
    expect(a1.conversation_id?.slice(2)).not.toBe(a1.user_id?.slice(2));
    expect(a1.inputs.user_id).toBe(a1.user_id);
    expect(JSON.stringify([a1, a2, b])).not.toMatch(/alice|bob/);
    // The same key (a resumed pull's) hashes alike; another key (another pull) does not.
    expect(new IdHasher(ids.keyHex).user('alice')).toBe(a1.user_id);
    expect(new IdHasher().user('alice')).not.toBe(a1.user_id);
  });

  it('lines it writes satisfy the trace format', () => {
    const lines = [row(), row({ run_id: 'r-2', date: '2025-11-03T09:00:01Z', inputs: 'text' })].map((r) => traceLine(r, { ...plain, expected: true }));
    const text = lines.map((l) => ('line' in l ? `${JSON.stringify(l.line)}\n` : '')).join('');
    expect(traceProblems(text)).toEqual([]);
    expect(traceProblems('{"timestamp":"later","inputs":{}}\n')).toEqual([
      'line 1: timestamp "later" is not ISO 8601 or epoch',
      'line 1: inputs is not a non-empty object',
    ]);
  });
});

describe('pageRows', () => {
  it('reads the documented array, or an object wrapping one', () => {
    expect(pageRows([1, 2])).toEqual([1, 2]);
    expect(pageRows({ data: [1], total: 1 })).toEqual([1]);
    expect(pageRows({ items: [] })).toEqual([]);
    expect(pageRows({ detail: 'x' })).toBeNull();
    expect(pageRows('[]')).toBeNull();
    expect(pageRows(null)).toBeNull();
  });
});
