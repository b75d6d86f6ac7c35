// The conversation runner on its own (no pool, no server): a send function that answers each turn after a
// tick shows turn k+1 leaves only once turn k came back, the user id per conversation, variant, pass and
// phase, the transcript on the last turn, and the skipped turns after a failure or a stop.
import { describe, expect, it } from 'vitest';
import { anchorAt } from '../../src/clock/clock.js';
import type { PlannedRequest } from '../../src/load/request-plan.js';
import { ConversationStats } from '../../src/metrics/conversation-stats.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { runConversation, type TurnGrading, type TurnSend } from '../../src/runner/conversation-runner.js';
import type { Suite } from '../../src/suite/types.js';

const suite = {
  variants: [{ name: 'published' }, { name: 'draft' }],
  dataset: { inputs: { 'in-0': '{{q}}', user_id: '{{conversation_user}}' } },
} as unknown as Suite;

function conversation(n: number, variant = 0, iteration = 0): PlannedRequest {
  const turns = Array.from({ length: n }, (_, k) => ({ turn: k + 1, row: 10 + k, values: { q: `question ${k + 1}` } }));
  return { variant, row: 10, iteration, values: turns[0]!.values, conversation: { id: 'chat 1', turns } };
}

/** A flow that answers "answer N" a tick later, failing the turns in `failing`; logs every send and answer. */
function harness(failing: number[] = [], stopAfter = Infinity) {
  const log: string[] = [];
  const graded: { turn: number; grading: TurnGrading }[] = [];
  const skipped: ResultRecord[] = [];
  let sent = 0;
  const send: TurnSend = async (p, _info, _phase, shape) => {
    const turn = p.values.turn as number;
    log.push(`send ${turn} as ${p.values.conversation_user}`);
    sent++;
    await new Promise((r) => setTimeout(r, 2));
    const ok = !failing.includes(turn);
    const record = {
      ok,
      error: ok ? null : { kind: 'flow_error', message: 'boom', status: 200 },
      inputs: { 'in-0': p.values.q, user_id: p.values.conversation_user },
      output: ok ? `answer ${turn}` : '',
      ttftMs: 5,
      latencyMs: 10,
    } as unknown as ResultRecord;
    graded.push({ turn, grading: shape!(record) });
    log.push(`answer ${turn}`);
    return true;
  };
  const stats = new ConversationStats(['published', 'draft']);
  const deps = {
    suite,
    anchor: anchorAt(Date.now()),
    send,
    writeSkipped: (r: ResultRecord) => skipped.push(r),
    stats,
    stopped: () => sent >= stopAfter,
    runTag: 'run1',
  };
  return { deps, log, graded, skipped, stats };
}

const measured = { warmup: false, step: null };
const info = { scheduledAt: 0, lagMs: 0, delayed: false };

describe('runConversation', () => {
  it('sends each turn after the last one answered, on one user id, and grades the last turn with the transcript', async () => {
    const h = harness();
    expect(await runConversation(h.deps, conversation(3), info, measured)).toBe(true);
    expect(h.log).toEqual([
      'send 1 as flowbench-run1-chat_1-published-0',
      'answer 1',
      'send 2 as flowbench-run1-chat_1-published-0',
      'answer 2',
      'send 3 as flowbench-run1-chat_1-published-0',
      'answer 3',
    ]);
    expect(h.graded.map((g) => g.grading.conversationEnd ?? false)).toEqual([false, false, true]);
    expect(h.graded[2]!.grading.values.transcript).toBe(
      'User: question 1\nAssistant: answer 1\n\nUser: question 2\nAssistant: answer 2\n\nUser: question 3\nAssistant: answer 3',
    );
    expect(h.graded[0]!.grading.values.transcript).toBeUndefined();
    expect(h.stats.summary().variants[0]).toMatchObject({ conversations: 1, completed: 1, failed: 0, skippedTurns: 0 });
  });

  it('gives every variant, pass and the warm-up a user id of its own', async () => {
    const h = harness();
    await runConversation(h.deps, conversation(1, 1, 2), info, measured);
    await runConversation(h.deps, conversation(1, 0, 0), info, { warmup: true, step: null });
    expect(h.log.filter((l) => l.startsWith('send'))).toEqual(['send 1 as flowbench-run1-chat_1-draft-2', 'send 1 as flowbench-run1-chat_1-published-w0']);
    // The warm-up is in no statistic.
    expect(h.stats.summary().variants.map((v) => v.conversations)).toEqual([0, 1]);
  });

  it('ends the conversation at a failed turn: the later turns are skipped, never sent, and the transcript judge does not run', async () => {
    const h = harness([2]);
    await runConversation(h.deps, conversation(4), info, measured);
    expect(h.log.filter((l) => l.startsWith('send')).length).toBe(2);
    expect(h.graded.every((g) => g.grading.conversationEnd !== true)).toBe(true);
    expect(h.skipped.map((r) => [r.turn, r.row, r.conversation, r.skipped, r.attempts, r.error?.kind, r.error?.message, r.inputs])).toEqual([
      [3, 12, 'chat 1', true, 0, 'skipped', 'not sent: turn 2 failed (flow_error)', { 'in-0': 'question 3', user_id: 'flowbench-run1-chat_1-published-0' }],
      [4, 13, 'chat 1', true, 0, 'skipped', 'not sent: turn 2 failed (flow_error)', { 'in-0': 'question 4', user_id: 'flowbench-run1-chat_1-published-0' }],
    ]);
    const v = h.stats.summary().variants[0]!;
    expect(v).toMatchObject({ conversations: 1, completed: 0, failed: 1, skippedTurns: 2 });
    expect(v.turns.map((t) => [t.requests, t.ok, t.errors, t.skipped])).toEqual([
      [1, 1, 0, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 1],
    ]);
  });

  it('a stopped run sends no further turn and records the rest as skipped', async () => {
    const h = harness([], 1);
    await runConversation(h.deps, conversation(3), info, measured);
    expect(h.log).toEqual(['send 1 as flowbench-run1-chat_1-published-0', 'answer 1']);
    expect(h.skipped.map((r) => [r.turn, r.error?.message])).toEqual([
      [2, 'not sent: the run stopped before it was sent'],
      [3, 'not sent: the run stopped before it was sent'],
    ]);
  });
});
