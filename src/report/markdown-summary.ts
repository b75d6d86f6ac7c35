// A Markdown summary of a run for CI pages: verdict, per-variant figures, harness warnings, thresholds,
// graders. Written to summary.md in the report folder and appended to $GITHUB_STEP_SUMMARY when that is
// set (GitHub Actions). A shard's summary says it is one: only the merged run has a verdict.
import { targetName } from './target-name.js';
import { ttftBreakdown } from './node-lines.js';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricSummary } from '../metrics/histogram.js';
import { renderComparisonsMarkdown } from './compare-markdown.js';
import type { Report } from './report-model.js';
import { repeatsMarkdown } from './repeats-summary.js';
import { conversationLines } from './conversation-lines.js';
import { writeFileWhole } from './whole-file.js';
import { economicsMarkdown } from './economics-markdown.js';

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
const pair = (m: MetricSummary | null | undefined) => (m ? `${ms(m.p50)} / ${ms(m.p95)}` : '–');
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 3).replace(/\.?0+$/, ''));
/** Table cells: pipes and newlines would break the row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** The summary as Markdown. Sections other reports add (comparisons) go after these. */
export function renderMarkdownSummary(report: Report): string {
  const failed = report.thresholds.filter((t) => !t.ok);
  const icon = report.verdict === 'pass' ? '✅' : '❌';
  const out: string[] = [];
  const notes = `${report.partial ? ' (partial run)' : ''}${report.resumed ? ` (resumed: ${report.sessions?.length ?? 2} sessions)` : ''}`;
  const shard = report.shard;
  if (shard) {
    // A sharded CI job shows N of these on its page: none may read as the run's verdict, so no ✅ / ❌
    // heading; the numbers stay, for finding which shard went wrong.
    out.push(`## flowbench: ${report.suite} — shard ${shard.index} of ${shard.count} (not the verdict)${notes}`);
    out.push(
      `> This is shard ${shard.index} of ${shard.count}: its figures cover only its share of the rows. ` +
        `The verdict is decided by \`flowbench merge\` of all ${shard.count} shards; judged on this share alone it would ${report.verdict}.`,
    );
  } else if (report.checkpoint) {
    // Written while the run goes on: no verdict yet (a partial report always fails), and it says how far it reaches.
    const c = report.checkpoint;
    out.push(`## ⏳ flowbench: ${report.suite} — running (checkpoint)${report.resumed ? notes : ''}`);
    out.push(
      `> A checkpoint written at ${c.writtenAt}: the first ${c.results} lines of results.jsonl, requests that ended by ${c.until}. The final report replaces it when the run ends.`,
    );
  } else {
    out.push(`## ${icon} flowbench: ${report.suite} — ${report.verdict}${notes}`);
    const merged = report.mergedShards;
    if (merged?.length)
      out.push(`Merged from ${merged.length} shards (${merged.map((m) => `${m.index}/${m.count}`).join(', ')}): the verdict of the whole run.`);
  }
  out.push(
    `${report.target.flowId} (org ${report.target.orgId}) at ${targetName(report.target.baseUrl)} · ${report.target.mode} · ${report.variants.length} variant(s) · ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  out.push(
    table(
      ['variant', 'requests', 'errors', 'TTFT p50 / p95 ms', 'latency p50 / p95 ms', 'req/s', 'pass rate', 'mean score', 'grader errors'],
      report.variants.map((v) => [
        v.name,
        String(v.requests),
        v.errors
          ? `${v.errors} (${Object.entries(v.errorKinds)
              .map(([k, n]) => `${k}×${n}`)
              .join(', ')})`
          : '0',
        pair(v.ttftMs),
        pair(v.latencyMs),
        v.rps === null ? '–' : v.rps.toFixed(2),
        pct(v.grades.passRate),
        v.grades.meanScore === null ? '–' : v.grades.meanScore.toFixed(3),
        String(v.grades.graderErrors),
      ]),
    ),
  );
  out.push(...economicsMarkdown(report.variants, table));
  const byNode = report.variants.flatMap((v) => {
    const line = v.nodes ? ttftBreakdown(v.nodes) : null;
    return line === null ? [] : [`- **${cell(v.name)}**: ${cell(line)}`];
  });
  if (byNode.length) out.push(`**Time to first token by node**, median / p95 ms:\n\n${byNode.join('\n')}`);
  // Under the timings it qualifies; a quiet harness adds nothing.
  if (report.harness?.warnings.length) out.push(`⚠️ **Harness:** ${report.harness.warnings.map(cell).join('; ')}.`);
  if (report.sweep) out.push(...sweepMarkdown(report.sweep));
  out.push(...repeatsMarkdown(report));
  if (report.thresholds.length) {
    // A sweep is judged per step (above); over the whole run its top step is expected to break them.
    const scope = report.sweep?.verdict ? "Whole-run thresholds (not the sweep's verdict)" : 'Thresholds';
    out.push(`### ${scope}: ${failed.length ? `${failed.length} of ${report.thresholds.length} failed` : `all ${report.thresholds.length} hold`}`);
    // Failures first: the reason a CI job went red belongs at the top.
    const sorted = [...failed, ...report.thresholds.filter((t) => t.ok)];
    out.push(
      table(
        ['', 'metric', 'variant', 'limit', 'actual'],
        sorted.map((t) => [t.ok ? '✅' : '❌', t.metric, t.variant, `${t.op} ${t.limit}`, t.actual === null ? (t.note ?? 'not measured') : num(t.actual)]),
      ),
    );
  }
  const graderNames = [...new Set(report.variants.flatMap((v) => Object.keys(v.graders ?? {})))];
  if (graderNames.length) {
    out.push('### Graders (passed / failed / errors)');
    out.push(
      table(
        ['grader', ...report.variants.map((v) => v.name)],
        graderNames.map((g) => [
          g,
          ...report.variants.map((v) => {
            const t = v.graders?.[g];
            return t ? `${t.passed} / ${t.failed} / ${t.errors}` : '–';
          }),
        ]),
      ),
    );
  }
  const judged = report.variants.filter((v) => v.judge);
  if (judged.length) {
    out.push(
      table(
        ['judge calls', 'calls', 'from cache', 'failed', 'latency p50 / p95 ms'],
        // `cached` is absent in reports written before the judge cache.
        judged.map((v) => [v.name, String(v.judge!.calls), String(v.judge!.cached ?? 0), String(v.judge!.failed), pair(v.judge!.latencyMs)]),
      ),
    );
  }
  const metaNames = [...new Set(report.variants.flatMap((v) => Object.keys(v.metadataMetrics)))];
  if (metaNames.length) {
    out.push('### Metadata');
    out.push(
      table(
        ['variant', ...metaNames.map((n) => `${n} mean / p95 / sum`)],
        report.variants.map((v) => [
          v.name,
          ...metaNames.map((n) => {
            const m = v.metadataMetrics[n];
            return m ? `${num(m.mean)} / ${num(m.p95)} / ${num(m.sum)}` : '–';
          }),
        ]),
      ),
    );
  }
  const conversations = conversationLines(report);
  if (conversations.length) out.push('### Conversations', conversations.map((l) => `- ${l}`).join('\n'));
  const fb = report.variants.filter((v) => v.feedbackPosted + v.feedbackFailed > 0);
  if (fb.length)
    out.push(`Feedback posted: ${fb.map((v) => `${v.name} ${v.feedbackPosted}${v.feedbackFailed ? ` (${v.feedbackFailed} failed)` : ''}`).join(', ')}`);
  if (report.comparisons?.length) out.push('## Comparison', renderComparisonsMarkdown(report.comparisons));
  return `${out.join('\n\n')}\n`;
}

/** The per-step table of a sweep and its verdict. */
function sweepMarkdown(sweep: NonNullable<Report['sweep']>): string[] {
  const v = sweep.verdict; // absent in reports written before sweeps had a verdict of their own
  const head = v ? `${v.ok ? '✅' : '❌'} ${v.reason}` : `sustainable rate ${sweep.sustainableRate ?? 'none'}`;
  return [
    `### Rate sweep: ${cell(head)}`,
    `A step meets ${sweep.criterion}.`,
    table(
      ['target req/s', 'sent/s', 'completed ok/s', 'variant', 'errors', 'TTFT p50 / p95 ms', 'latency p50 / p95 ms', 'thresholds'],
      sweep.steps.flatMap((st) =>
        st.variants.map((x) => [
          num(st.rate),
          num(st.sentRps),
          st.completedRps === undefined ? '–' : num(st.completedRps),
          x.name,
          pct(x.errorRate),
          pair(x.ttftMs),
          pair(x.latencyMs),
          st.thresholdsOk ? '✅ met' : '❌ broken',
        ]),
      ),
    ),
  ];
}

export async function writeMarkdownSummary(dir: string, report: Report): Promise<void> {
  await writeFileWhole(join(dir, 'summary.md'), renderMarkdownSummary(report));
}

/** Appends the summary to $GITHUB_STEP_SUMMARY when set (GitHub renders it on the job page); true if written. */
export async function appendStepSummary(report: Report, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  await appendFile(file, `${renderMarkdownSummary(report)}\n`);
  return true;
}
