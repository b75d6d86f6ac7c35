// Trace replay (AIPerf's and GuideLLM's trace mode, for StackAI traces): each traced request is sent at its
// offset from the trace's first row divided by `speed`, open loop (late sends keep their traced time, the
// in-flight cap holds them back and counts them delayed). The trace is the suite's dataset (its rows are
// planned, sharded and resumed like any); rows sharing a conversation_id can replay as conversations.
import { dirname, extname, resolve } from 'node:path';
import type { DatasetSpec } from '../../dataset/dataset-spec.js';
import { SPREAD_KEY } from '../../dataset/template.js';
import { scanTrace, traceTimeMs, type TraceSource } from '../../dataset/trace.js';
import { ConfigError } from '../../errors/config-error.js';
import type { FieldSchema } from '../../suite/suite-schema.js';
import type { LoadBase } from '../../suite/types.js';
import { runOpenLoop } from '../open-loop.js';
import type { PlannedRequest, ReplayRun } from '../request-plan.js';
import { ReplayCounts } from '../replay-counts.js';
import type { LoadModelDef } from './model-def.js';
import { OPEN_LOOP_DEFAULT_CAP } from './open-loop.js';

export interface ReplaySpec {
  /** Absolute path of the trace (.jsonl / .ndjson / .csv). */
  path: string;
  format: 'jsonl' | 'csv';
  /** The row field holding the timestamp. */
  time: string;
  /** 2 = twice as fast as traced. */
  speed: number;
  /** Flow inputs per row (templates over the row's fields); null: a JSONL row's `inputs` object as it is. */
  inputs: Record<string, unknown> | null;
  /** Rows sharing `conversation_id` replay as one conversation each. */
  conversations: boolean;
}

export interface ReplayLoad extends LoadBase {
  kind: 'replay';
  replay: ReplaySpec;
}

const REPLAY: FieldSchema = {
  default: null,
  doc: 'Replay a trace (JSONL or CSV, one request per row with its timestamp) at its own times, divided by speed (docs/replay.md).',
  type: {
    kind: 'object',
    fields: {
      path: { type: { kind: 'string', nonEmpty: true }, required: true, doc: 'The trace, .jsonl or .csv, relative to the suite file.' },
      time: {
        type: { kind: 'string', nonEmpty: true },
        default: 'timestamp',
        doc: 'The row field holding the time: ISO 8601, or epoch seconds / ms (numbers > 1e11 are ms).',
      },
      speed: { type: { kind: 'number', min: 0, exclusiveMin: true }, default: 1, doc: 'Replay speed: 2 sends the trace twice as fast.' },
      inputs: {
        type: { kind: 'map', values: { kind: 'any' } },
        doc: "Flow inputs per row ({{field}} templates over the row); default for JSONL: the row's `inputs` object as it is. Required for CSV.",
      },
      conversations: {
        type: { kind: 'boolean' },
        default: false,
        doc: 'Rows sharing conversation_id replay as conversations: turn k+1 at its traced time or when turn k ended, whichever is later.',
      },
    },
  },
};

const FORMATS: Record<string, ReplaySpec['format']> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' };

export const replay: LoadModelDef<ReplayLoad> = {
  kind: 'replay',
  key: 'replay',
  fields: { replay: REPLAY },
  openLoop: true,
  endsOnItsOwn: false,
  clashes: {
    rate: {
      message: 'load.replay and load.rate both set when requests are sent',
      hint: 'remove load.rate: the trace sets the times (load.replay.speed scales them)',
    },
    stages: { message: 'load.replay and load.stages both set when requests are sent', hint: 'remove load.stages: the trace sets the times' },
    sweep: { message: 'load.replay and load.sweep both set when requests are sent', hint: 'remove load.sweep: the trace sets the times' },
  },
  selects: (raw) => raw.replay !== undefined && raw.replay !== null,
  parse(raw, ctx) {
    const r = raw.replay as Record<string, unknown>;
    const path = resolve(dirname(ctx.src.file), r.path as string);
    const format = FORMATS[extname(path).toLowerCase()];
    const inputs = (r.inputs as Record<string, unknown> | undefined) ?? null;
    if (format === undefined)
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['load', 'replay', 'path']),
          `load.replay.path must end in .jsonl or .csv: ${path}`,
          'write the trace as JSON Lines (flowbench trace pull does) or CSV with a header row',
        ),
      );
    else if (format === 'csv' && inputs === null)
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['load', 'replay']),
          'a CSV trace has no inputs object to send: load.replay.inputs must map its columns to flow inputs',
          'add inputs: { in-0: "{{question}}" } under load.replay',
        ),
      );
    if (ctx.where.has(['load', 'iterations']) && raw.iterations !== 1)
      ctx.errors.push(
        ctx.src.error(
          ctx.where.value(['load', 'iterations']),
          'load.iterations with load.replay: a trace is replayed once, at its own times',
          'remove load.iterations',
        ),
      );
    const spec: ReplaySpec = {
      path,
      format: format ?? 'jsonl',
      time: r.time as string,
      speed: r.speed as number,
      inputs,
      conversations: r.conversations === true,
    };
    return { kind: 'replay', replay: spec };
  },
  defaultConcurrency: () => OPEN_LOOP_DEFAULT_CAP,
  // A warm-up takes the trace's first rows one at a time; the replay then starts from its first row.
  warmupLevel: () => ({ concurrency: 1 }),
  planned: (_s, c) => ({ requests: c.byCount(c.passes), ms: c.cap(null) }),
  // Shards divide the rows (shard/partition.ts hashes each row to one shard); every shard keeps the traced times.
  share: (s) => s,
  flat: () => ({}),
  sumShards: () => ({}),
  describe: (l) => `trace replay, cap ${l.concurrency} in flight`,
  limits: () => [],
  async drive(s, ctx) {
    const r = s.replay;
    const scan = await scanTrace(traceSource(r));
    const t0 = scan.firstMs;
    if (t0 === null) return; // an empty trace: nothing to send (the loader warned)
    const at = (p: PlannedRequest): number => (timeOf(r, p.values, p.row) - t0) / r.speed;
    const counts = new ReplayCounts();
    const offsets = new WeakMap<PlannedRequest, number>();
    let cut = false;
    const offsetOf = (p: PlannedRequest): number | null => {
      const offset = at(p);
      if (s.durationMs !== null && offset >= s.durationMs) {
        cut = true;
        return null;
      }
      offsets.set(p, offset);
      counts.planned(offset, timeOf(r, p.values, p.row));
      return offset;
    };
    const timed = (p: PlannedRequest): PlannedRequest => (p.conversation === undefined ? p : withTurnTimes(p, at));
    const items = scan.sorted ? mapped(ctx.items(), timed) : await sortedBy(ctx.items(), timed, at);
    const result = await runOpenLoop(
      items,
      (p, info) => {
        counts.sent((offsets.get(p) ?? 0) + info.lagMs);
        return ctx.send(p, info);
      },
      { offsets: offsetOf, maxInFlight: s.concurrency, stopped: ctx.stopped },
    );
    ctx.absorb(result);
    const endedBy = ctx.stopped() ? 'stopped' : cut ? 'duration' : s.requests !== null && result.started >= s.requests ? 'requests' : 'trace';
    ctx.replay(replayRun(r, scan, counts, endedBy));
  },
};

/** The suite's dataset when the load is a replay: the trace's rows, inputs sent as the trace recorded them unless mapped. */
export function replayDataset(r: ReplaySpec): DatasetSpec {
  const inputs = r.inputs ?? { [SPREAD_KEY]: '{{inputs}}' };
  return {
    path: r.path,
    format: r.format,
    // A conversation runs on a user id of its own (after the spread, so it replaces the traced one), as a
    // conversation dataset's does (suite/conversation-spec.ts): the flow's memory of one run stays in it.
    inputs: r.conversations && inputs.user_id === undefined ? { ...inputs, user_id: '{{conversation_user}}' } : inputs,
    expected: null, // graders' {{expected}} reads the row's own `expected` (the recorded answer), when it has one
    limit: null,
    conversation: r.conversations ? { id: '{{conversation_id}}', turn: null, turns: null, interleaved: true } : null,
  };
}

export const traceSource = (r: ReplaySpec): TraceSource => ({
  path: r.path,
  format: r.format,
  time: r.time,
  needsInputs: r.format === 'jsonl' && r.inputs === null,
});

function timeOf(r: ReplaySpec, values: Record<string, unknown>, row: number): number {
  const ms = traceTimeMs(values[r.time]);
  // The loader scanned every row; a trace changed since then can still lack a time.
  if (ms === null)
    throw new ConfigError(`trace row ${row + 1} has no readable '${r.time}' (the file changed after it was checked?)`, { file: r.path }, 'rerun the suite');
  return ms;
}

/** A conversation's later turns are due at their traced offsets from its first turn. */
function withTurnTimes(p: PlannedRequest, at: (p: PlannedRequest) => number): PlannedRequest {
  const conv = p.conversation!;
  const first = at(p);
  const turns = conv.turns.map((t) => ({ ...t, afterMs: at({ ...p, row: t.row, values: t.values }) - first }));
  return { ...p, conversation: { ...conv, turns } };
}

async function* mappedGen(items: AsyncIterator<PlannedRequest>, f: (p: PlannedRequest) => PlannedRequest): AsyncGenerator<PlannedRequest> {
  for (let n = await items.next(); !n.done; n = await items.next()) yield f(n.value);
}
const mapped = (items: AsyncIterator<PlannedRequest>, f: (p: PlannedRequest) => PlannedRequest): AsyncIterator<PlannedRequest> => mappedGen(items, f);

/** A trace out of time order is held whole and sorted (stable: rows of one time keep their file order). */
async function sortedBy(
  items: AsyncIterator<PlannedRequest>,
  f: (p: PlannedRequest) => PlannedRequest,
  at: (p: PlannedRequest) => number,
): Promise<AsyncIterator<PlannedRequest>> {
  const all: { p: PlannedRequest; t: number }[] = [];
  for (let n = await items.next(); !n.done; n = await items.next()) all.push({ p: f(n.value), t: at(n.value) });
  all.sort((a, b) => a.t - b.t);
  return (async function* () {
    for (const x of all) yield x.p;
  })();
}

function replayRun(
  r: ReplaySpec,
  scan: { rows: number; firstMs: number | null; lastMs: number | null; sorted: boolean },
  counts: ReplayCounts,
  endedBy: ReplayRun['replayed']['endedBy'],
): ReplayRun {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const spanMs = scan.firstMs === null || scan.lastMs === null ? 0 : scan.lastMs - scan.firstMs;
  const done = counts.summary();
  return {
    path: r.path,
    speed: r.speed,
    conversations: r.conversations,
    trace: { rows: scan.rows, first: iso(scan.firstMs), last: iso(scan.lastMs), durationMs: spanMs, durationAtSpeedMs: spanMs / r.speed, sorted: scan.sorted },
    replayed: {
      requests: done.sent,
      planned: done.planned,
      first: iso(done.firstMs),
      last: iso(done.lastMs),
      durationAtSpeedMs: done.firstMs === null || done.lastMs === null ? 0 : (done.lastMs - done.firstMs) / r.speed,
      complete: endedBy === 'trace' && done.sent === done.planned,
      endedBy,
    },
    perSecond: done.buckets,
  };
}
