import { describe, expect, it } from 'vitest';
import { FeedbackPoster, feedbackDue, type FeedbackClient } from '../../src/runner/feedback-poster.js';
import type { FeedbackResult } from '../../src/stackai/client.js';
import type { ResultRecord } from '../../src/record/result-record.js';

const suite = (when: 'always' | 'pass' | 'fail' = 'always', template: string | null = null) =>
  ({
    name: 's',
    feedback: { post: true, when, template },
    target: { baseUrl: 'x', orgId: 'o', flowId: 'f', token: '', simulator: { flows: null, seed: 1 } },
    load: { timeoutMs: 1000, retries: 2 },
  }) as unknown as ConstructorParameters<typeof FeedbackPoster>[0];

const record = (over: Partial<ResultRecord> = {}): ResultRecord => ({
  variant: 'v',
  row: 3,
  iteration: 0,
  attempts: 1,
  runId: 'run-1',
  ok: true,
  error: null,
  scheduledAt: '',
  startedAt: '',
  ttfbMs: 1,
  ttftMs: 1,
  latencyMs: 2,
  queueMs: 0,
  inputs: {},
  expected: null,
  output: 'x',
  grades: [{ grader: 'contains', pass: false, score: 0, reason: 'output lacks "y"' }],
  pass: false,
  score: 0,
  metadata: null,
  feedback: null,
  attemptLog: [],
  timestamps: { scheduled: 0, sent: 0, firstByte: 0, contentFrames: [], end: 1 },
  ...over,
});

/** A feedback endpoint double: answers from a script of results, one per call, and records the calls. */
class ScriptedClient implements FeedbackClient {
  calls: { runId: string; text: string }[] = [];
  constructor(
    private readonly answers: FeedbackResult[],
    private readonly delayMs = 0,
  ) {}
  async postFeedback(_o: string, _f: string, runId: string, text: string): Promise<FeedbackResult> {
    this.calls.push({ runId, text });
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.answers.shift() ?? { ok: true, response: {} };
  }
}
const err = (kind: 'http_429' | 'http_404' | 'reset', status: number | null = null): FeedbackResult => ({ ok: false, error: { kind, message: kind, status } });

describe('feedback poster', () => {
  it.each([
    ['always', true, true],
    ['fail', false, true],
    ['fail', true, false],
    ['pass', true, true],
    ['pass', false, false],
  ] as const)('when %s, a %s result: due %s', (when, pass, due) => {
    expect(feedbackDue(suite(when).feedback, record({ pass }))).toBe(due);
  });

  it('a failed request is a FAIL even without graders; no run id or a warm-up: nothing due', () => {
    expect(feedbackDue(suite('fail').feedback, record({ ok: false, pass: null, grades: [] }))).toBe(true);
    expect(feedbackDue(suite().feedback, record({ runId: null }))).toBe(false);
    expect(feedbackDue(suite().feedback, record({ warmup: true }))).toBe(false);
  });

  it('never blocks: handle() returns before the post settles; the record is delivered after, with its outcome', async () => {
    const client = new ScriptedClient([], 50);
    const poster = new FeedbackPoster(suite(), client);
    const delivered: ResultRecord[] = [];
    poster.handle(record(), (r) => delivered.push(r));
    expect(delivered).toHaveLength(0);
    await poster.drain();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.feedback).toMatchObject({ posted: true, attempts: 1, error: null });
    expect(client.calls[0]!.text).toBe('flowbench FAIL (score 0.00) suite=s variant=v row=3 — contains: output lacks "y"');
  });

  it('not due: delivered at once, nothing posted', async () => {
    const client = new ScriptedClient([]);
    const poster = new FeedbackPoster(suite('fail'), client);
    const delivered: ResultRecord[] = [];
    poster.handle(record({ pass: true, grades: [] }), (r) => delivered.push(r));
    expect(delivered[0]!.feedback).toBeNull();
    await poster.drain();
    expect(client.calls).toHaveLength(0);
  });

  it('retries 429 up to load.retries, never a 404 or a reset (a repeat could double-post)', async () => {
    const client = new ScriptedClient([err('http_429', 429), err('http_429', 429), err('http_404', 404), err('reset')]);
    const poster = new FeedbackPoster(suite(), client);
    const out: ResultRecord[] = [];
    poster.handle(record({ runId: 'a' }), (r) => out.push(r)); // 429, 429, 404: three attempts, failed
    await poster.drain();
    poster.handle(record({ runId: 'b' }), (r) => out.push(r)); // reset: one attempt, failed
    await poster.drain();
    expect(out.map((r) => [r.runId, r.feedback!.posted, r.feedback!.attempts, r.feedback!.error?.kind])).toEqual([
      ['a', false, 3, 'http_404'],
      ['b', false, 1, 'reset'],
    ]);
  });

  it('bounds posts in flight and drains them all', async () => {
    let inFlight = 0;
    let peak = 0;
    const client: FeedbackClient = {
      async postFeedback() {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { ok: true, response: {} };
      },
    };
    const poster = new FeedbackPoster(suite(), client, { maxInFlight: 3 });
    let n = 0;
    for (let i = 0; i < 20; i++) poster.handle(record({ runId: `r${i}` }), () => n++);
    await poster.drain();
    expect(n).toBe(20);
    expect(peak).toBe(3);
  });

  it('dry run: prints the text, posts nothing, marks the outcome', async () => {
    const lines: string[] = [];
    const poster = new FeedbackPoster(suite('always', '{{verdict}} {{run_id}} {{failed}}'), null, { dryRun: true, print: (l) => lines.push(l) });
    let got: ResultRecord | null = null;
    poster.handle(record(), (r) => (got = r));
    await poster.drain();
    expect(lines).toEqual(['feedback (dry run) v row 3 run run-1: FAIL run-1 contains']);
    expect(got!.feedback).toEqual({ posted: false, dryRun: true, text: 'FAIL run-1 contains', error: null });
  });

  it('the text posted, printed and kept is redacted (token and base_url credentials, in any encoding)', async () => {
    const s = suite('always', '{{output}} {{reasons}}');
    const secretive = { ...s, target: { ...s.target, baseUrl: 'https://h/?api_key=url-key-123', token: 'sk "tok\\9' } } as typeof s;
    const client = new ScriptedClient([]);
    const lines: string[] = [];
    const r = record({
      output: 'echo sk "tok\\9 and url-key-123',
      grades: [{ grader: 'judge', pass: false, score: 0, reason: 'said {"t":"sk \\"tok\\\\9"}' }],
    });
    let got: ResultRecord | null = null;
    new FeedbackPoster(secretive, client).handle(r, (x) => (got = x));
    new FeedbackPoster(secretive, null, { dryRun: true, print: (l) => lines.push(l) }).handle(r, () => {});
    await new Promise((done) => setTimeout(done, 20));
    expect(client.calls[0]!.text).toBe('echo *** and ***  — judge: said {"t":"***"}');
    expect(got!.feedback!.text).toBe(client.calls[0]!.text);
    expect(lines[0]).toContain(': echo *** and ***');
  });

  it('a delivery that throws surfaces from drain()', async () => {
    const poster = new FeedbackPoster(suite(), new ScriptedClient([]));
    poster.handle(record(), () => {
      throw new Error('disk full');
    });
    await expect(poster.drain()).rejects.toThrow('disk full');
  });
});

describe('feedback poster on interrupt', () => {
  it('abandon(): records still waiting land at once, marked unconfirmed; late answers are ignored', async () => {
    const client = new ScriptedClient([], 200);
    const poster = new FeedbackPoster(suite(), client, { maxInFlight: 1 });
    const out: ResultRecord[] = [];
    for (const id of ['a', 'b', 'c']) poster.handle(record({ runId: id }), (r) => out.push(r));
    const drained = poster.drain();
    poster.abandon();
    await drained;
    expect(out.map((r) => [r.runId, r.feedback!.posted, r.feedback!.error?.kind])).toEqual([
      ['a', false, 'timeout'],
      ['b', false, 'timeout'],
      ['c', false, 'timeout'],
    ]);
    await new Promise((r) => setTimeout(r, 300)); // the post already sent ('a') answers now
    expect(out).toHaveLength(3);
    expect(client.calls.map((c) => c.runId)).toEqual(['a']); // 'b' and 'c' were never sent
  });

  it('a client that throws still lets the record land', async () => {
    const poster = new FeedbackPoster(suite(), { postFeedback: () => Promise.reject(new Error('bug')) });
    let got: ResultRecord | null = null;
    poster.handle(record(), (r) => (got = r));
    await poster.drain();
    expect(got!.feedback).toMatchObject({ posted: false, error: { kind: 'harness' } });
  });
});
