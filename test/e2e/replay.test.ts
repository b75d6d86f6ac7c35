// load.replay end to end against the simulator (library API, in process): a trace of 2,000 requests with
// two bursts is replayed at speed 1 and 4, and the requests sent in each second of the replay are exactly
// the trace's (its rows keep clear of second boundaries by 50 ms or more; the in-flight cap is set above the
// trace's 2,000 so that a slow, shared machine's service time cannot hold sends back); report.json's
// replay section says the same. Conversations: turn k+1 leaves at its traced time or when turn k ended.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../src/record/result-record.js';
import { ROOT, readJsonl, runCli, tempDir } from '../helpers/cli.js';

type Lib = typeof import('../../src/index.js');
const lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;

const FLOWS = `seed: 3
flows:
  quick:
    answers: echo
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 1, tokens_per_s: .inf, words_per_frame: 8, jitter: 0 }
  chat:
    answers: echo
    versions:
      1: { quality: 1, progress_ms: 0, ttft_ms: 150, tokens_per_s: .inf, words_per_frame: 8, jitter: 0 }
`;

const T0 = Date.parse('2026-11-30T09:00:00.000Z');

/**
 * 2,000 offsets (ms) over 8 s: 150 a second spread over 20-765 ms, and bursts of 400 in 200 ms (at 2 s)
 * and in 100 ms (at 5.5 s). No row is in the last 200 ms of a trace second, so at speed 1 or 4 a send
 * has 50 ms or more before it would fall into the next second.
 */
function burstyOffsets(): number[] {
  const out: number[] = [];
  for (let s = 0; s < 8; s++) for (let j = 0; j < 150; j++) out.push(s * 1000 + 20 + j * 5);
  // Whole ms: ISO 8601 text has no finer unit, and the trace must stay in time order.
  for (let j = 0; j < 400; j++) out.push(2020 + Math.floor(j / 2), 5500 + Math.floor(j / 4));
  out[0] = 0; // offset 0 is the first row's time
  return out.sort((a, b) => a - b);
}

/** The three time forms of the trace contract, in turn: ISO 8601, epoch seconds, epoch milliseconds. */
const timeForm = (ms: number, i: number): string | number => (i % 3 === 0 ? new Date(ms).toISOString() : i % 3 === 1 ? ms / 1000 : ms);

function setup(lines: string[], load: string, flow = 'quick'): string {
  const dir = tempDir('flowbench-replay-');
  writeFileSync(join(dir, 'flows.yaml'), FLOWS);
  writeFileSync(join(dir, 'trace.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'suite.yaml'), `name: replay\ntarget: { flow_id: ${flow}, simulator: { flows: flows.yaml } }\nmode: run\nload: ${load}\n`);
  return dir;
}

/** Requests per second of the replay: by traced offset at `speed`, and by the records' send times. */
const perSecond = (msList: number[]) => {
  const out: number[] = [];
  for (const ms of msList) {
    const s = Math.floor(ms / 1000);
    while (out.length <= s) out.push(0);
    out[s]! += 1;
  }
  return out;
};

describe('load.replay', () => {
  for (const speed of [1, 4]) {
    it(`replays 2,000 bursty requests at speed ${speed} with the trace's per-second counts`, async () => {
      const offsets = burstyOffsets();
      const lines = offsets.map((o, i) => JSON.stringify({ timestamp: timeForm(T0 + o, i), inputs: { 'in-0': `q${i}` }, run_id: `r${i}`, latency_s: 1 }));
      const dir = setup(lines, `{ replay: { path: trace.jsonl, speed: ${speed} }, concurrency: 3000, retries: 0 }`);
      const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
      const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
      expect(records).toHaveLength(2000);
      expect(records.every((r) => r.ok)).toBe(true);
      // Offset 0 is the first traced row's scheduled time; each row keeps its own traced time (its input says which row).
      const base = Math.min(...records.map((r) => r.timestamps.scheduled));
      for (const r of records) {
        const i = Number(String(r.inputs['in-0']).slice(1));
        expect(Math.abs(r.timestamps.scheduled - base - offsets[i]! / speed)).toBeLessThanOrEqual(1); // timestamps are kept to 1 ms
      }
      const traced = perSecond(offsets.map((o) => o / speed));
      expect(traced).toEqual(speed === 1 ? [150, 150, 550, 150, 150, 550, 150, 150] : [1000, 1000]);
      // The schedule is the trace's, exactly; a request is handed over at its scheduled time plus the
      // scheduler's measured lateness (the request thread's own queue is queueMs, apart).
      expect(perSecond(records.map((r) => r.timestamps.scheduled - base))).toEqual(traced);
      const sent = perSecond(records.map((r) => r.timestamps.scheduled + r.sendLagMs! - base));
      const replay = report.replay!;
      expect(replay.perSecond.map((b) => b.traced)).toEqual(traced);
      expect(replay.perSecond.map((b) => b.sent)).toEqual(sent);
      // Sent per second as traced whenever the harness kept up (no send later than the 50 ms margin). On a
      // machine saturated by other work (harness stalls of seconds were seen) the lateness is measured and
      // shows in the buckets instead: still every request once, none before its time.
      if (report.load.maxSendLagMs < 50) expect(sent).toEqual(traced);
      expect(sent.reduce((a, b) => a + b, 0)).toBe(2000);
      expect(records.every((r) => r.sendLagMs! >= 0)).toBe(true);
      expect(replay.trace).toMatchObject({ rows: 2000, first: '2026-11-30T09:00:00.000Z', sorted: true });
      expect(Math.abs(Date.parse(replay.trace.last!) - (T0 + offsets.at(-1)!))).toBeLessThanOrEqual(1); // epoch seconds as floats
      expect(Math.abs(replay.trace.durationAtSpeedMs - offsets.at(-1)! / speed)).toBeLessThanOrEqual(1);
      expect(replay.replayed).toMatchObject({ requests: 2000, planned: 2000, complete: true, endedBy: 'trace' });
      expect(report.variants[0]!.sendLagMs!.count).toBe(2000);
    });
  }

  it("grades against the trace's recorded answers ({{expected}} is a row's `expected`)", async () => {
    // The simulator echoes the input: rows whose recorded answer is their question pass, the others fail.
    const lines = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ timestamp: T0 + i * 20, inputs: { 'in-0': `hello ${i}` }, expected: i % 2 ? `hello ${i}` : 'nope' }),
    );
    const dir = setup(lines, '{ replay: { path: trace.jsonl } }');
    writeFileSync(join(dir, 'suite.yaml'), `${readFileSync(join(dir, 'suite.yaml'), 'utf8')}graders:\n  - { type: contains, value: "{{expected}}" }\n`);
    await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(records.map((r) => [r.inputs['in-0'], r.pass]).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => [`hello ${i}`, i % 2 === 1]));
  });

  it("replays what `flowbench trace pull` wrote from the simulator's history, as conversations", async () => {
    const dir = tempDir('flowbench-replay-pulled-');
    // The user's path from history to replay: one CLI call writes the trace (the pull's own tests are in-process).
    const pulled = await runCli(['trace', 'pull', '--flow', 'support-bot', '--out', join(dir, 'trace.jsonl'), '--expected', '--max-rows', '60']);
    expect(pulled.code).toBe(0);
    const trace = readJsonl<{ timestamp: string; conversation_id?: string }>(join(dir, 'trace.jsonl'));
    expect(trace).toHaveLength(60);
    const spanMs = Date.parse(trace.at(-1)!.timestamp) - Date.parse(trace[0]!.timestamp);
    // Replayed in about a second, whatever span of history the simulator generated.
    const speed = Math.max(1, Math.ceil(spanMs / 1000));
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: pulled\ntarget: { flow_id: support-bot }\nmode: run\nload: { replay: { path: trace.jsonl, speed: ${speed}, conversations: true }, retries: 0 }\n`,
    );
    const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(records).toHaveLength(60);
    expect(records.every((r) => r.conversation !== undefined)).toBe(true);
    expect(report.replay!.replayed).toMatchObject({ first: trace[0]!.timestamp, last: trace.at(-1)!.timestamp, complete: true });
    const conversations = new Set(trace.map((t, i) => t.conversation_id ?? `row-${i}`)).size;
    expect(report.conversations!.variants[0]!.conversations).toBe(conversations);
  });

  it('stopped by load.duration, says how far it got', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ timestamp: T0 + i * 50, inputs: { 'in-0': `q${i}` } }));
    // 2 s of trace at speed 2 is 1 s; duration 500ms keeps the rows before trace offset 1 s: 20 of them.
    const dir = setup(lines, '{ replay: { path: trace.jsonl, speed: 2 }, duration: 500ms }');
    const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
    expect(report.replay!.replayed).toMatchObject({
      requests: 20,
      planned: 20,
      first: new Date(T0).toISOString(),
      last: new Date(T0 + 19 * 50).toISOString(),
      complete: false,
      endedBy: 'duration',
    });
    expect(report.replay!.replayed.durationAtSpeedMs).toBe(475);
    expect(report.replay!.trace.rows).toBe(40);
  });

  it('stopped by the caller (Ctrl-C), the partial report says how far it got', async () => {
    // 40 rows over 2 s; stopped when the 10th result is in: the rows before that were sent, the report says so.
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ timestamp: new Date(T0 + i * 50).toISOString(), inputs: { 'in-0': `q${i}` } }));
    const dir = setup(lines, '{ replay: { path: trace.jsonl }, grace: 2s }');
    const abort = new AbortController();
    let results = 0;
    const onResult = () => {
      if (++results === 10) abort.abort();
    };
    const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {}, signal: abort.signal, onResult });
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    const r = report.replay!.replayed;
    expect(r).toMatchObject({ complete: false, endedBy: 'stopped', requests: records.length });
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(40);
    // The last traced row it planned is the last one sent or the one the stop caught waiting.
    const lastSent = Math.max(...records.map((x) => Number(String(x.inputs['in-0']).slice(1))));
    expect(Date.parse(r.last!) - T0).toBeGreaterThanOrEqual(lastSent * 50);
    expect(Date.parse(r.last!) - T0).toBeLessThanOrEqual((lastSent + 1) * 50);
  });

  it('two shards each replay their rows at the traced times, and merge sums them back', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ timestamp: T0 + i * 20, inputs: { 'in-0': `q${i}` } }));
    const dir = setup(lines, '{ replay: { path: trace.jsonl, speed: 2 } }');
    const shardDirs = [join(dir, 'shard-1'), join(dir, 'shard-2')];
    const runs = await Promise.all(
      [1, 2].map((index) => lib.runSuite(join(dir, 'suite.yaml'), { outDir: shardDirs[index - 1]!, progress: false, env: {}, shard: { index, count: 2 } })),
    );
    const parts = runs.map((r) => r.report.replay!);
    expect(parts.map((p) => p.replayed.requests).reduce((a, b) => a + b)).toBe(60);
    expect(parts.every((p) => p.replayed.requests > 0 && p.trace.rows === 60)).toBe(true);
    const { mergeShards } = (await import(join(ROOT, 'dist/merge/merge-shards.js'))) as typeof import('../../src/merge/merge-shards.js');
    const merged = (await mergeShards(shardDirs, join(dir, 'merged'))).report.replay!;
    expect(merged.replayed).toMatchObject({
      requests: 60,
      planned: 60,
      first: new Date(T0).toISOString(),
      last: new Date(T0 + 59 * 20).toISOString(),
      complete: true,
    });
    // 1.18 s of trace at speed 2: the first 0.59 s, all in second 0.
    expect(merged.perSecond).toEqual([{ t: 0, widthS: 1, traced: 60, sent: 60 }]);
  });

  it('conversations: turn k+1 is sent at its traced time or when turn k ended, whichever is later', async () => {
    // Two interleaved conversations; the flow answers in ~150 ms. a2 is traced 50 ms after a1 (before a1
    // ends: it waits for a1), a3 1,000 ms after a1 (a2 has ended: it keeps its traced time).
    const row = (ms: number, conv: string, q: string) => JSON.stringify({ timestamp: T0 + ms, inputs: { 'in-0': q }, conversation_id: conv });
    const lines = [row(0, 'a', 'a1'), row(20, 'b', 'b1'), row(50, 'a', 'a2'), row(400, 'b', 'b2'), row(1000, 'a', 'a3'), row(1010, 'x', 'x1')];
    const dir = setup(lines, '{ replay: { path: trace.jsonl, conversations: true }, retries: 0 }', 'chat');
    const { report } = await lib.runSuite(join(dir, 'suite.yaml'), { outDir: join(dir, 'out'), progress: false, env: {} });
    const records = readJsonl<ResultRecord>(join(dir, 'out/results.jsonl'));
    expect(records).toHaveLength(6);
    const of = (q: string) => records.find((r) => r.inputs['in-0'] === q)!;
    const base = of('a1').timestamps.scheduled;
    expect(of('a1').conversation).toBe('a');
    expect([of('a1').turn, of('a2').turn, of('a3').turn, of('b1').turn, of('b2').turn]).toEqual([1, 2, 3, 1, 2]);
    // a2: due at 50 ms, but a1 ends later (~150 ms): it leaves when a1 ended.
    expect(of('a2').timestamps.scheduled).toBeGreaterThanOrEqual(of('a1').timestamps.end);
    expect(of('a2').timestamps.scheduled - base).toBeGreaterThan(100);
    // a3: due at 1,000 ms; a2 ends well before that on a machine that keeps up (then a3 keeps its traced
    // time), or after it on a saturated one (then a3 leaves when a2 ended): the later of the two, either way.
    // The end is stamped on the request thread and reaches the runner a little later: a generous 100 ms bound.
    const laterOf = (at: number, end: number, scheduled: number) => {
      expect(scheduled).toBeGreaterThanOrEqual(Math.max(at, end) - 0.01);
      expect(scheduled).toBeLessThan(Math.max(at, end) + 100);
    };
    laterOf(base + 1000, of('a2').timestamps.end, of('a3').timestamps.scheduled);
    laterOf(base + 400, of('b1').timestamps.end, of('b2').timestamps.scheduled);
    expect(Math.abs(of('b1').timestamps.scheduled - base - 20)).toBeLessThanOrEqual(0.01); // a first turn: its traced time exactly
    // A row outside a conversation is one of its own.
    expect(of('x1').conversation).toBe('x');
    expect(report.conversations!.variants[0]).toMatchObject({ conversations: 3, completed: 3, failed: 0 });
  });
});
