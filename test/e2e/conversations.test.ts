// Multi-turn conversations end to end against the simulator (library API, in process): turns strictly in
// order per conversation while conversations run side by side, one user_id per conversation that the
// simulated flow remembers, per-turn timings, a transcript judge, and skipped turns after a failed one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conversationLines } from '../../src/report/conversation-lines.js';
import { rebuildReport } from '../../src/runner/rebuild-report.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { ROOT, readJsonl, runCli, tempDir } from '../helpers/cli.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;

const FLOWS = `seed: 7
flows:
  chat:
    answers: echo
    memory: { ttft_ms_per_turn: 100 }
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 20, tokens_per_s: .inf, words_per_frame: 4, jitter: 0 }
  flaky-chat:
    answers: echo
    memory: true
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 5, tokens_per_s: .inf, words_per_frame: 4, jitter: 0, error_rate: 0.3 }
  judge:
    answers: judge
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 5, tokens_per_s: .inf, words_per_frame: 8, jitter: 0 }
`;

function setup(flow: string, conversations: number, load: string, graders: string): string {
  const dir = tempDir('flowbench-conversations-');
  writeFileSync(join(dir, 'flows.yaml'), FLOWS);
  const rows: string[] = ['conv,turn,question,answer'];
  for (let c = 0; c < conversations; c++) {
    const second = `and what about topic ${c}b?`;
    // Turn order comes from the turn column, not the file: the last conversation lists its turns backwards.
    const turns = [`${c},1,tell me about topic ${c}a,topic ${c}a`, `${c},2,${second},topic ${c}b`, `${c},3,what did I ask before?,${second}`];
    rows.push(...(c === conversations - 1 ? turns.reverse() : turns));
  }
  writeFileSync(join(dir, 'chats.csv'), `${rows.join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: chats
target: { flow_id: ${flow}, simulator: { flows: flows.yaml } }
dataset:
  path: chats.csv
  conversation: conv
  turn: turn
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
load: ${load}
${graders}`,
  );
  return dir;
}

const byConversation = (records: ResultRecord[]) => {
  const m = new Map<string, ResultRecord[]>();
  for (const r of records) m.set(r.conversation!, [...(m.get(r.conversation!) ?? []), r]);
  for (const list of m.values()) list.sort((a, b) => a.turn! - b.turn!);
  return m;
};

describe('multi-turn conversations', () => {
  it('runs each conversation in order on its own user_id, at most `concurrency` at a time, with per-turn timings and a transcript judge', async () => {
    const dir = setup(
      'chat',
      4,
      '{ concurrency: 3, retries: 0 }',
      `graders:
  - { type: contains, value: "{{expected}}" }
  - { type: judge, name: whole, scope: conversation, flow_id: judge, prompt: "Expected: tell me about topic {{conversation}}a\\nAnswer: {{transcript}}", score_path: $.score, max: 10 }
`,
    );
    const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(records).toHaveLength(12);
    const convs = byConversation(records);
    expect([...convs.keys()].sort()).toEqual(['0', '1', '2', '3']);
    const users = new Set<unknown>();
    for (const [id, turns] of convs) {
      expect(turns.map((t) => t.turn)).toEqual([1, 2, 3]);
      expect(turns.every((t) => t.ok)).toBe(true);
      // Strictly in order: turn k+1 is scheduled and sent only after turn k ended.
      for (let k = 1; k < 3; k++) {
        expect(turns[k]!.timestamps.scheduled).toBeGreaterThanOrEqual(turns[k - 1]!.timestamps.end);
        expect(turns[k]!.timestamps.sent).toBeGreaterThanOrEqual(turns[k - 1]!.timestamps.end);
      }
      // One user_id per conversation, and the flow remembered turn 2 when asked on turn 3.
      expect(new Set(turns.map((t) => t.inputs.user_id)).size).toBe(1);
      users.add(turns[0]!.inputs.user_id);
      const n = id;
      expect(turns[2]!.output).toBe(`You asked: "and what about topic ${n}b?"`);
      // Per-turn graders on every turn; the conversation judge on the last turn only, seeing the whole transcript.
      expect(turns.map((t) => t.grades.map((g) => g.grader))).toEqual([['contains'], ['contains'], ['contains', 'whole']]);
      const whole = turns[2]!.grades[1]!;
      // Turn 1's words are nowhere in turn 3's answer: the judge found them in the transcript.
      expect(whole).toMatchObject({ pass: true, score: 1 });
      expect(whole.reason).toContain('the answer covers 5 of 5 expected words');
    }
    expect(users.size).toBe(4);
    // Conversations ran side by side, never more than the 3 slots (a conversation holds its slot throughout).
    const spans = [...convs.values()].map((t) => [t[0]!.timestamps.sent, t[2]!.timestamps.end] as const);
    const overlapping = spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length);
    expect(Math.max(...overlapping)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...overlapping)).toBeLessThanOrEqual(3);

    const conv = report.conversations!.variants[0]!;
    expect({ ...conv, turns: conv.turns.map((t) => [t.turn, t.requests, t.ok, t.errors, t.skipped, t.ttftMs?.count]) }).toEqual({
      variant: 'published',
      conversations: 4,
      completed: 4,
      failed: 0,
      skippedTurns: 0,
      turns: [
        [1, 4, 4, 0, 0, 4],
        [2, 4, 4, 0, 0, 4],
        [3, 4, 4, 0, 0, 4],
      ],
    });
    // The flow's TTFT grows 100 ms per earlier turn (20, 120, 220 ms): each turn index's fastest TTFT is at
    // least that (a busy machine only adds to it), so the per-turn figures are the turns' own.
    const fastest = conv.turns.map((t) => t.ttftMs!.min);
    expect(fastest[0]!, JSON.stringify(fastest)).toBeGreaterThanOrEqual(20);
    expect(fastest[1]!, JSON.stringify(fastest)).toBeGreaterThanOrEqual(120);
    expect(fastest[2]!, JSON.stringify(fastest)).toBeGreaterThanOrEqual(220);
    expect(report.variants[0]!.grades.graded).toBe(12);
    expect(conversationLines(report)[0]).toMatch(/^conversations published: 4 of 4 completed, 0 failed, 0 turns skipped; TTFT \/ latency p50 ms by turn: 1: /);
  });

  it('ends a conversation at its failed turn: the rest are skipped lines, counted apart from errors', async () => {
    const dir = setup('flaky-chat', 8, '{ concurrency: 2, retries: 0 }', '');
    const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(records).toHaveLength(24); // every planned turn has a line
    let failed = 0;
    let skipped = 0;
    let completed = 0;
    for (const turns of byConversation(records).values()) {
      expect(turns.map((t) => t.turn)).toEqual([1, 2, 3]);
      const firstFailure = turns.findIndex((t) => !t.ok);
      if (firstFailure < 0) {
        completed++;
        continue;
      }
      failed++;
      expect(turns[firstFailure]!.error!.kind).toBe('flow_error');
      for (const later of turns.slice(firstFailure + 1)) {
        expect(later).toMatchObject({ ok: false, skipped: true, attempts: 0, error: { kind: 'skipped' } });
        expect(later.error!.message).toBe(`not sent: turn ${firstFailure + 1} failed (flow_error)`);
        // Never sent: it was recorded after the failed turn ended.
        expect(later.timestamps.sent).toBeGreaterThanOrEqual(turns[firstFailure]!.timestamps.end);
        skipped++;
      }
    }
    // The seed makes this run fail some conversations before their last turn (and leaves others whole).
    expect(skipped).toBeGreaterThan(0);
    expect(completed).toBeGreaterThan(0);
    const v = report.variants[0]!;
    expect(v.requests).toBe(24 - skipped);
    expect(v.errorKinds).toEqual({ flow_error: records.filter((r) => r.error?.kind === 'flow_error').length });
    expect(report.conversations!.variants[0]).toMatchObject({ conversations: 8, completed, failed, skippedTurns: skipped });
    const perTurn = report.conversations!.variants[0]!.turns;
    expect(perTurn.reduce((a, t) => a + t.skipped, 0)).toBe(skipped);
    expect(perTurn.reduce((a, t) => a + t.requests, 0)).toBe(24 - skipped);
    // Rebuilt from results.jsonl alone (`flowbench report` after a kill, merge): the same section.
    const rebuilt = await rebuildReport(join(dir, 'out'));
    expect(rebuilt.report.conversations).toEqual(report.conversations);
  });
});

describe('a bad conversation dataset', () => {
  it('--resume is refused before anything runs: a conversation would resume without its earlier turns', async () => {
    const dir = setup('chat', 1, '{ concurrency: 1 }', '');
    const err = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), resume: true, progress: false, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(lib.ConfigError);
    expect((err as Error).message).toContain('--resume does not continue a conversation dataset');
  });

  it('flowbench validate: exit 2 naming the dataset line, no stack trace', async () => {
    const dir = setup('chat', 2, '{ concurrency: 1 }', '');
    writeFileSync(join(dir, 'chats.csv'), 'conv,turn,question,answer\na,1,hi,hi\na,1,again,again\n');
    const r = await runCli(['validate', join(dir, 'suite.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("chats.csv:3: conversation 'a' has turn 1 twice (lines 2 and 3)");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
