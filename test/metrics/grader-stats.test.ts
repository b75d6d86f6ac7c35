import { describe, expect, it } from 'vitest';
import { GraderStats } from '../../src/metrics/grader-stats.js';
import { extractFields, valueAtPath } from '../../src/record/metadata-fields.js';
import type { Grade } from '../../src/grade/types.js';
import type { ResultRecord } from '../../src/record/result-record.js';

const withGrades = (grades: Grade[]) => ({ grades }) as ResultRecord;
const judgeCall = (ok: boolean, latencyMs: number, attempts = 1) => ({ flowId: 'j', runId: 'r', ok, attempts, latencyMs, output: '' });

describe('per-grader tallies and judge calls', () => {
  it('counts pass / fail / error per grader name, and judge calls apart', () => {
    const g = new GraderStats();
    g.add(
      withGrades([
        { grader: 'a', pass: true, score: 1, reason: '' },
        { grader: 'judge', pass: true, score: 0.8, reason: '', judge: judgeCall(true, 20) },
      ]),
    );
    g.add(
      withGrades([
        { grader: 'a', pass: false, score: 0, reason: '' },
        { grader: 'judge', pass: false, score: 0, reason: '', error: true, judge: judgeCall(false, 5, 3) },
      ]),
    );
    g.add(withGrades([])); // a failed request: no grades
    const s = g.summary();
    expect(s.graders).toEqual({
      a: { passed: 1, failed: 1, errors: 0, meanScore: 0.5 },
      judge: { passed: 1, failed: 0, errors: 1, meanScore: 0.4 },
    });
    expect(s.judge).toMatchObject({ calls: 2, failed: 1, retries: 2 });
    expect(s.judge!.latencyMs!.count).toBe(1); // only successful calls are timed
    expect(s.judge!.latencyMs!.p50).toBeCloseTo(20, 1);
  });

  it('judge answers from the cache are counted apart: no call, no retry, no latency; merged across threads', () => {
    const thread = new GraderStats();
    const hit = { ...judgeCall(true, 900, 2), cached: true };
    thread.add(withGrades([{ grader: 'judge', pass: true, score: 1, reason: '', judge: hit }]));
    thread.add(withGrades([{ grader: 'judge', pass: true, score: 1, reason: '', judge: judgeCall(true, 20) }]));
    const total = new GraderStats();
    total.merge(thread.take());
    thread.add(withGrades([{ grader: 'judge', pass: false, score: 0, reason: '', judge: hit }]));
    total.merge(thread.take());
    const s = total.summary();
    expect(s.judge).toMatchObject({ calls: 1, cached: 2, failed: 0, retries: 0 });
    expect(s.judge!.latencyMs!.count).toBe(1);
    expect(s.graders.judge).toMatchObject({ passed: 2, failed: 1 });
    // Every answer from the cache: still a judge summary, with no call.
    const only = new GraderStats();
    only.add(withGrades([{ grader: 'judge', pass: true, score: 1, reason: '', judge: hit }]));
    expect(only.summary().judge).toEqual({ calls: 0, cached: 1, failed: 0, retries: 0, latencyMs: null });
  });

  it('no judge: null', () => {
    expect(new GraderStats().summary()).toEqual({ graders: {}, judge: null });
  });
});

describe('metadata fields by path', () => {
  const meta = { total_tokens: 0, latency: 1.5, llm_usage: [{ model_id: 'gpt-4o-mini', output_tokens: 12 }], nested: { a: null } };
  it.each([
    ['total_tokens', 0], // zero is a value
    ['llm_usage.0.model_id', 'gpt-4o-mini'],
    ['llm_usage.1.model_id', undefined], // missing, not zero
    ['nested.a', null],
    ['nested.a.b', undefined],
    ['latency.x', undefined],
  ])('%s', (path, value) => expect(valueAtPath(meta, path)).toEqual(value));

  it('missing paths are left out of the result', () => {
    expect(extractFields(meta, { tokens: 'total_tokens', model: 'llm_usage.0.model_id', gone: 'x.y' })).toEqual({ tokens: 0, model: 'gpt-4o-mini' });
  });
});

describe('grader_error_rate threshold', () => {
  it('is grader errors over graded rows, and null with nothing graded', async () => {
    const { metricValue, parseThreshold } = await import('../../src/metrics/thresholds.js');
    const summary = (graded: number, graderErrors: number) => ({ grades: { graded, graderErrors } }) as Parameters<typeof metricValue>[0];
    expect(metricValue(summary(8, 2), 'grader_error_rate')).toBe(0.25);
    expect(metricValue(summary(0, 0), 'grader_error_rate')).toBeNull();
    expect(parseThreshold('grader_error_rate', '== 0')).toEqual({ metric: 'grader_error_rate', op: '==', limit: 0 });
  });
});
