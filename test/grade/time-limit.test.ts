// Every grader's per-call time limit: its own `timeout` or the default for its type, checked at load time,
// raced for what a call waits on, and the synchronous parts of a call marked for the grading pool's watchdog.
import { describe, expect, it } from 'vitest';
import { checkGraderSpec, prepareGraderInfo, prepareGraders } from '../../src/grade/registry.js';
import { GRADER_TIMEOUT_MS, graderLimits, SCRIPT_TIMEOUT_MS } from '../../src/grade/time-limit.js';
import type { GradeContext, JudgeCaller } from '../../src/grade/types.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const ctx = (output: string): GradeContext => ({ output, expected: null, row: 0, values: {} });

describe('grader time limits', () => {
  it.each<[Record<string, unknown>, { ms: number; wait: number | null }]>([
    [
      { type: 'regex', pattern: 'a' },
      { ms: GRADER_TIMEOUT_MS, wait: null },
    ],
    [
      { type: 'not-regex', pattern: 'a', timeout: '250ms' },
      { ms: 250, wait: 250 },
    ],
    [
      { type: 'similarity', timeout: 5000 },
      { ms: 5000, wait: 5000 },
    ],
    [
      { type: 'script', path: 'graders.mjs' },
      { ms: SCRIPT_TIMEOUT_MS, wait: SCRIPT_TIMEOUT_MS },
    ],
    [
      { type: 'script', path: 'graders.mjs', timeout: '2s' },
      { ms: 2000, wait: 2000 },
    ],
    [
      { type: 'judge', flow_id: 'j', prompt: 'x' },
      { ms: GRADER_TIMEOUT_MS, wait: null },
    ],
    [
      { type: 'judge', flow_id: 'j', prompt: 'x', timeout: '30s' },
      { ms: 30_000, wait: 30_000 },
    ],
  ])('%j', (spec, limits) => {
    expect(graderLimits(spec as { type: string })).toEqual(limits);
    expect(prepareGraderInfo([spec as { type: string }])[0]).toMatchObject({ timeoutMs: limits.ms, waitMs: limits.wait });
  });

  it('every grader type takes `timeout`; a bad one is refused at its key', () => {
    expect(checkGraderSpec({ type: 'regex', pattern: 'a', timeout: '3s' }, { dir: FIXTURES })).toBeNull();
    expect(checkGraderSpec({ type: 'contains', value: 'a', timeout: 20 }, { dir: FIXTURES })).toBeNull();
    for (const bad of [0, -5, 'soon', '']) {
      expect(checkGraderSpec({ type: 'regex', pattern: 'a', timeout: bad }, { dir: FIXTURES })).toMatchObject({
        key: 'timeout',
        message: expect.stringMatching(/timeout/),
      });
    }
  });

  it('an asynchronous call slower than its timeout is a grader error that says so', async () => {
    const g = (await prepareGraders([{ type: 'script', path: 'graders.mjs', function: 'slow', timeout: 50 }], { dir: FIXTURES }).grade(ctx('x'))).grades[0]!;
    expect(g).toMatchObject({ pass: false, error: true, reason: 'timed out after 50 ms' });
  });

  it('marks each synchronous part of a call for the watchdog: the first, and the judge reading its score after its await', async () => {
    const judge: JudgeCaller = async (req) => ({ flowId: req.flowId, runId: 'r', ok: true, attempts: 1, latencyMs: 1, output: 'score 7', error: null });
    const events: string[] = [];
    const rows = prepareGraders(
      [
        { type: 'judge', flow_id: 'j', prompt: '{{output}}', score_regex: 'score (\\d+)', max: 10 },
        { type: 'contains', value: 'x' },
      ],
      { dir: FIXTURES, judge },
    );
    const r = await rows.grade(ctx('x'), { calling: (i) => events.push(`call ${i}`), settled: (i) => events.push(`settled ${i}`) });
    expect(r.grades.map((g) => g.pass)).toEqual([true, true]);
    // contains answers synchronously: settled before anything else runs. The judge is marked again around its score.
    expect(events).toEqual(['call 0', 'call -1', 'call 1', 'call -1', 'settled 1', 'call 0', 'call -1', 'settled 0']);
  });

  it("oneAtATime runs a row's graders one after another", async () => {
    const events: string[] = [];
    const rows = prepareGraders(
      [
        { type: 'script', path: 'graders.mjs', function: 'slow', timeout: 1000 },
        { type: 'contains', value: 'x' },
      ],
      { dir: FIXTURES },
    );
    await rows.ready();
    await rows.grade(ctx('x'), { oneAtATime: true, calling: (i) => i >= 0 && events.push(`call ${i}`), settled: (i) => events.push(`settled ${i}`) });
    expect(events).toEqual(['call 0', 'settled 0', 'call 1', 'settled 1']);
  });
});
