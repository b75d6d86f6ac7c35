// `flowbench merge`: shard report folders → one report, exactly what one big run would have said.
// HDR histograms are added (never percentiles averaged); counts, grades and metadata metrics are
// recomputed from the concatenated results; the timeline is rebuilt on one wall clock; thresholds
// and comparison gates are judged on the merged numbers.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compareSaved } from '../runner/run-comparisons.js';
import { addRepeatSummaries } from '../runner/repeat-report.js';
import { addEncoded } from '../metrics/histogram.js';
import { evaluateThresholds, type ParsedThreshold } from '../metrics/thresholds.js';
import { harnessReport } from '../harness/harness-report.js';
import { modelNamed } from '../load/registry.js';
import { Timeline } from '../metrics/timeline.js';
import { TIMING_METRICS, VariantStats } from '../metrics/variant-stats.js';
import { readResults } from '../report/read-results.js';
import type { Report, VariantReport } from '../report/report-model.js';
import { writeReports } from '../report/write-reports.js';
import { writeHlogs } from '../runner/write-hlogs.js';
import type { StepRun } from '../runner/drive-load.js';
import { sweepReport, thresholdsPass, type SweepReport } from '../runner/sweep-report.js';
import type { ResultRecord } from '../record/result-record.js';
import { readShardSet, type ShardRun } from './shard-set.js';
import { ConversationStats } from '../metrics/conversation-stats.js';
import { mergedReplay } from './merge-replay.js';
import type { ReplayRun } from '../load/request-plan.js';

const optionalReplay = (replay: ReplayRun | undefined) => (replay === undefined ? {} : { replay });

export interface MergeOutcome {
  report: Report;
  dir: string;
  exitCode: number;
}

/** When a shard's load clock started (its first session's, on a resumed shard), wall-clock epoch ms. */
const loadStart = (r: Report) => Date.parse(r.sessions?.[0]?.startedAt ?? r.startedAt);

/** Wall-clock epoch ms of a shard's clock anchor, from any of its records (timestamps are anchor-relative). */
const anchorEpoch = (r: ResultRecord) => Date.parse(r.scheduledAt) - r.timestamps.scheduled;

function shift(r: ResultRecord, ms: number): ResultRecord {
  if (ms === 0) return r;
  const t = r.timestamps;
  const s = (v: number) => Math.round((v + ms) * 1000) / 1000;
  return {
    ...r,
    timestamps: {
      ...t,
      scheduled: s(t.scheduled),
      sent: s(t.sent),
      firstByte: t.firstByte === null ? null : s(t.firstByte),
      contentFrames: t.contentFrames.map(s),
      end: s(t.end),
      ...(t.progress !== undefined && { progress: t.progress.map((p) => ({ ...p, at: s(p.at) })) }),
    },
  };
}

async function firstRecord(dir: string): Promise<ResultRecord | null> {
  for await (const r of readResults(join(dir, 'results.jsonl'))) return r;
  return null;
}

export async function mergeShards(dirs: string[], outDir: string): Promise<MergeOutcome> {
  const shards = await readShardSet(dirs);
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  const first = shards[0]!.report;
  const names = first.variants.map((v) => v.name);

  // One wall clock for all shards: the earliest shard's anchor is time 0.
  const anchors = new Map<ShardRun, number>();
  for (const s of shards) {
    const r = await firstRecord(s.dir);
    anchors.set(s, r ? anchorEpoch(r) : Date.parse(s.report.startedAt));
  }
  const epoch0 = Math.min(...anchors.values());
  const stats = names.map(() => new VariantStats());
  const timeline = new Timeline({ monoMs: 0, epochMs: epoch0 }, names);
  const lines: string[] = [];
  const resultsPath = join(out, 'results.jsonl');
  await writeFile(resultsPath, '');
  const flush = async () => {
    if (lines.length) await writeFile(resultsPath, lines.join(''), { flag: 'a' });
    lines.length = 0;
  };
  let measured = 0;
  // A sweep's steps, from the records of every shard: the fleet's step i is every shard's step i.
  const stepStats: VariantStats[][] = [];
  const stepSpan: { startAt: number; endAt: number }[] = [];
  // A conversation dataset: the per-turn section is counted again over every shard's lines (each shard holds whole conversations).
  const conversations = shards.some((s) => s.report.conversations) ? new ConversationStats(names) : null;
  for (const s of shards) {
    const offset = anchors.get(s)! - epoch0;
    for await (const rec of readResults(join(s.dir, 'results.jsonl'))) {
      const r = shift(rec, offset);
      lines.push(`${JSON.stringify(r)}\n`);
      if (lines.length >= 500) await flush();
      if (conversations !== null && names.includes(r.variant)) conversations.fromLine(names.indexOf(r.variant), r);
      if (r.warmup || r.skipped) continue; // a conversation's skipped turn was never sent: in no statistic
      const vi = names.indexOf(r.variant);
      if (vi < 0) continue;
      stats[vi]!.add(r);
      timeline.add(r, vi);
      measured++;
      if (typeof r.step === 'number') {
        (stepStats[r.step] ??= names.map(() => new VariantStats()))[vi]!.add(r);
        const span = (stepSpan[r.step] ??= { startAt: Infinity, endAt: -Infinity });
        span.startAt = Math.min(span.startAt, r.timestamps.scheduled);
        span.endAt = Math.max(span.endAt, r.timestamps.end);
      }
    }
  }
  await flush();
  timeline.flush(Infinity, true);

  const variants: VariantReport[] = first.variants.map((v, i) => {
    const summary = stats[i]!.summary();
    const own = shards.map((s) => s.report.variants.find((x) => x.name === v.name)!);
    // Timing percentiles come from the added shard histograms, as one big run's histograms would be.
    for (const m of TIMING_METRICS) {
      const added = addEncoded(
        own.map((o) => o.histograms[m]),
        own.map((o) => o[`${m}Ms`]),
      ); // exact min / max from each shard
      summary[`${m}Ms`] = added.summary;
      summary.histograms[m] = added.encoded;
    }
    return { name: v.name, params: v.params, ...summary };
  });

  // The fleet's harness: every shard's threads side by side, stalls counted from the merged results.
  const harness = shards.every((sh) => sh.report.harness)
    ? harnessReport(
        shards.flatMap((sh) => sh.report.harness!.threads),
        variants.map((v) => ({ name: v.name, stalledResults: v.harnessStalls.results, maxStallMs: v.harnessStalls.maxMs, results: v.requests })),
        { stallMs: first.harness!.stallMs },
      )
    : null;
  // Repeats from the merged results.jsonl: a row's repeats are all in one shard, as its variants are.
  await addRepeatSummaries(resultsPath, Math.max(0, ...first.variants.map((v) => v.repeats?.n ?? 0)), variants);
  const parsed = uniqueThresholds(first);
  const thresholds = evaluateThresholds(
    parsed,
    variants.map((v) => ({ name: v.name, summary: v })),
    harness,
  );
  const sweep = mergedSweep(shards, stepStats, stepSpan, names, parsed);
  const compared = await compareSaved({ dir: out, variants, settings: first.compare ?? null, metrics: parsed.map((p) => p.metric) });
  const sum = (f: (r: Report) => number) => shards.reduce((a, s) => a + f(s.report), 0);
  // How far apart the shards began their load: with --start-at, the spread of their clocks and start-ups.
  const starts = shards.map((s) => loadStart(s.report));
  const { startAt: _one, ...rest } = first; // one shard's start is not the fleet's: the skew below says it
  const report: Report = {
    ...rest,
    startedAt: new Date(Math.min(...shards.map((s) => Date.parse(s.report.startedAt)))).toISOString(),
    finishedAt: new Date(Math.max(...shards.map((s) => Date.parse(s.report.finishedAt)))).toISOString(),
    durationMs: Math.max(...shards.map((s) => Date.parse(s.report.finishedAt))) - Math.min(...shards.map((s) => Date.parse(s.report.startedAt))),
    partial: shards.some((s) => s.report.partial),
    shard: null,
    mergedShards: shards.map((s) => ({ index: s.index, count: s.count, dir: s.dir })),
    startSkewMs: Math.max(...starts) - Math.min(...starts),
    load: {
      ...first.load,
      concurrency: sum((r) => r.load.concurrency),
      requests: first.load.requests === null ? null : sum((r) => r.load.requests ?? 0),
      // The model's own settings (rates, stages, steps) summed back by its module.
      ...modelNamed(first.load.model)?.sumShards(
        shards.map((s) => s.report.load),
        first.shard!.count,
      ),
      threads: sum((r) => r.load.threads),
      started: sum((r) => r.load.started),
      warmupRequests: sum((r) => r.load.warmupRequests),
      delayedSends: sum((r) => r.load.delayedSends),
      maxSendLagMs: Math.max(...shards.map((s) => s.report.load.maxSendLagMs)),
      abandoned: sum((r) => r.load.abandoned),
    },
    timeline: timeline.buckets(),
    ...(conversations !== null && { conversations: conversations.summary() }),
    sweep,
    ...optionalReplay(mergedReplay(shards.map((s) => s.report.replay))),
    variants,
    harness,
    thresholds,
    comparisons: compared.comparisons,
    verdict:
      thresholdsPass(sweep, thresholds) && compared.comparisons.every((c) => c.verdict === 'pass') && measured > 0 && !shards.some((s) => s.report.partial)
        ? 'pass'
        : 'fail',
  };
  await writeReports(out, report);
  await writeHlogs(out, timeline.hlogTexts());
  return { report, dir: out, exitCode: report.verdict === 'pass' ? 0 : 1 };
}

/** The suite's thresholds as each shard judged them (same suite, so the same list per variant). */
function uniqueThresholds(r: Report): ParsedThreshold[] {
  const seen = new Map<string, ParsedThreshold>();
  for (const t of r.thresholds) seen.set(t.metric, { metric: t.metric, op: t.op, limit: t.limit, ...(t.implicit && { implicit: true as const }) });
  return [...seen.values()];
}

/**
 * The fleet's sweep: step i of every shard is one step at the sum of their rates, its figures counted
 * from the merged records (percentiles from one histogram, as one big run's), its sends that left in
 * time added up, and its verdict judged again, with min_rate back at the suite's figure.
 */
function mergedSweep(
  shards: ShardRun[],
  stepStats: VariantStats[][],
  spans: { startAt: number; endAt: number }[],
  names: string[],
  thresholds: ParsedThreshold[],
): SweepReport | null {
  const own = shards.map((s) => s.report.sweep);
  if (own.some((sw) => !sw)) return null;
  const first = own[0]!;
  const durationMs = first.steps[0]?.durationMs ?? 0;
  const runs: StepRun[] = first.steps.map((_, i) => ({
    rate: own.reduce((a, sw) => a + (sw!.steps[i]?.rate ?? 0), 0),
    startAt: spans[i]?.startAt ?? 0,
    endAt: spans[i]?.endAt ?? 0,
    started: own.reduce((a, sw) => a + (sw!.steps[i]?.variants.reduce((b, v) => b + v.requests, 0) ?? 0), 0),
    sent: own.reduce((a, sw) => a + Math.round((sw!.steps[i]?.sentRps ?? 0) * (durationMs / 1000)), 0),
  }));
  const minRate = own.every((sw) => sw!.minRate !== null) ? own.reduce((a, sw) => a + sw!.minRate!, 0) : null;
  return sweepReport(runs, stepStats, names, thresholds, durationMs, minRate, shards[0]!.report.load.sweep?.by ?? 'thresholds');
}
