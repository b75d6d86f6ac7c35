// junit.xml for CI test tabs: a testsuite per variant with a testcase per result (row × variant, and
// iteration when there are several) carrying the failing graders' reasons, and a testsuite of thresholds.
// Valid against Jenkins xunit's junit-10.xsd and, suite by suite, Maven Surefire's XSD (test/fixtures/junit-xsd).
// Streams results.jsonl twice (counts first, since JUnit puts them in the opening tag); holds no rows.
import { join } from 'node:path';
import type { ResultRecord } from '../record/result-record.js';
import { readResults } from './read-results.js';
import { textSlices } from './text-slices.js';
import { isHarnessMetric } from '../metrics/thresholds.js';
import type { Report } from './report-model.js';
import { writeWhole } from './whole-file.js';
import { redactUrl } from '../stackai/url-credentials.js';
import { flowbenchVersion } from '../version.js';

/** XML 1.0 text: escaped, and characters XML cannot hold at all dropped. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `output`: the record's output, written after `detail`; apart, so a 50 MB one is never copied into the detail. */
type Outcome =
  | { kind: 'pass' }
  | { kind: 'skipped'; message: string }
  | { kind: 'failure' | 'error'; type: string; message: string; detail: string; output?: string };

/** A result's JUnit outcome: a failed request or a grader that could not run is an error; a failed grade is a failure. */
export function outcomeOf(r: ResultRecord): Outcome {
  if (!r.ok) {
    const e = r.error;
    return {
      kind: 'error',
      type: e?.kind ?? 'request',
      message: e ? `${e.kind}: ${e.message}` : 'request failed',
      detail: r.output ? 'partial output: ' : '',
      output: r.output,
    };
  }
  const broken = r.grades.filter((g) => g.error);
  const failing = r.grades.filter((g) => !g.pass && !g.error);
  const lines = (gs: typeof r.grades) => gs.map((g) => `${g.grader}: ${g.reason}`);
  if (broken.length)
    return {
      kind: 'error',
      type: 'grader',
      message: lines(broken).join('; '),
      detail: [...lines(broken), ...lines(failing), '', 'output: '].join('\n'),
      output: r.output,
    };
  if (r.pass === false) {
    const message = failing.length ? lines(failing).join('; ') : `score ${r.score?.toFixed(2)} below pass_score`;
    return {
      kind: 'failure',
      type: 'grade',
      message,
      detail: [...lines(r.grades.filter((g) => !g.pass)), `score: ${r.score?.toFixed(3)}`, `expected: ${r.expected ?? ''}`, 'output: '].join('\n'),
      output: r.output,
    };
  }
  return { kind: 'pass' };
}

function caseName(r: ResultRecord, iterations: boolean): string {
  const first = Object.values(r.inputs ?? {}).find((v) => typeof v === 'string') as string | undefined;
  const label = first ? `: ${first.length > 80 ? `${first.slice(0, 80)}…` : first}` : '';
  return `row ${r.row}${iterations ? ` #${r.iteration}` : ''}${typeof r.repeat === 'number' ? ` repeat ${r.repeat}` : ''}${label}`;
}

// Both schemas' SUREFIRE_TIME is digits with at most 3 decimals: no sign, no NaN, no exponent.
const secs = (ms: number | null | undefined) => (typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);

/** A testcase as pieces: a detail holding a whole output (50 MB, say) is escaped piece by piece (xmlText on it whole made four copies). */
function* testcasePieces(cls: string, name: string, timeMs: number, o: Outcome): Generator<string> {
  const open = `    <testcase classname="${xmlText(cls)}" name="${xmlText(name)}" time="${secs(timeMs)}"`;
  if (o.kind === 'pass' || o.kind === 'skipped') {
    yield o.kind === 'pass' ? `${open}/>\n` : `${open}>\n      <skipped message="${xmlText(o.message)}"/>\n    </testcase>\n`;
    return;
  }
  yield `${open}>\n      <${o.kind} type="${xmlText(o.type)}" message="${xmlText(o.message.length > 500 ? `${o.message.slice(0, 500)}…` : o.message)}">`;
  for (const text of [o.detail, o.output ?? '']) for (const piece of textSlices(text)) yield xmlText(piece);
  yield `</${o.kind}>\n    </testcase>\n`;
}

const testcase = (cls: string, name: string, timeMs: number, o: Outcome): string => [...testcasePieces(cls, name, timeMs, o)].join('');

/** `firstStart` / `lastEnd`: shared-clock ms of the variant's first scheduled send and last end, as VariantStats takes them for rps. */
interface Counts {
  tests: number;
  failures: number;
  errors: number;
  firstStart: number;
  lastEnd: number;
}

/**
 * A variant's wall-clock time: the span its rps is over. One session: first start to last end, from
 * its records (report.json keeps only the rps). A resumed run: the sessions' summed active time, as
 * assembleReport takes it, since the span would count the pauses. (A sum of latencies would count
 * concurrent requests over again.)
 */
function variantTimeMs(c: Counts, report: Report): number {
  if ((report.sessions?.length ?? 0) > 1) return report.durationMs;
  return c.lastEnd > c.firstStart ? c.lastEnd - c.firstStart : 0;
}

/**
 * Properties of every testsuite: which suite, target, build and seed made these results. Both schemas
 * allow <properties> only inside a testsuite (Surefire: before its testcases). The run's start is here
 * because neither schema allows `timestamp` on <testsuites> and Surefire allows it on no testsuite.
 */
function propertiesXml(report: Report): string {
  // A cut-down or hand-edited report.json may lack these: its properties are left out, not its junit.xml.
  const { target, load } = report as Partial<Pick<Report, 'target' | 'load'>>;
  const props: [string, string | number | undefined][] = [
    ['flowbench.version', flowbenchVersion()],
    ['suite.hash', report.suiteHash],
    // report.json's URL is redacted already; a report from an older flowbench, or edited by hand, may not be.
    ['target.base_url', target?.baseUrl === undefined ? undefined : redactUrl(target.baseUrl)],
    ['target.flow_id', target?.flowId],
    ['target.mode', target?.mode],
    ['load.seed', load?.seed],
    ['started_at', report.startedAt],
  ];
  const lines = props.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `      <property name="${k}" value="${xmlText(String(v))}"/>\n`);
  return `    <properties>\n${lines.join('')}    </properties>\n`;
}

/** Opening tag of a testsuite: Surefire requires `skipped`; neither schema allows more than these (and a few unused). */
const suiteOpen = (name: string, c: { tests: number; failures: number; errors: number; skipped: number }, timeMs: number, props: string) =>
  `  <testsuite name="${xmlText(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${secs(timeMs)}">\n${props}`;

export async function writeJunit(dir: string, report: Report): Promise<void> {
  const resultsFile = join(dir, 'results.jsonl');
  const perVariant = new Map<string, Counts>(
    report.variants.map((v) => [v.name, { tests: 0, failures: 0, errors: 0, firstStart: Infinity, lastEnd: -Infinity }]),
  );
  let multiIteration = false;
  for await (const r of readResults(resultsFile)) {
    if (r.warmup) continue;
    const c = perVariant.get(r.variant);
    if (!c) continue;
    const o = outcomeOf(r);
    c.tests++;
    c.firstStart = Math.min(c.firstStart, r.timestamps.scheduled);
    c.lastEnd = Math.max(c.lastEnd, r.timestamps.end);
    if (o.kind === 'failure') c.failures++;
    if (o.kind === 'error') c.errors++;
    if (r.iteration > 0) multiIteration = true;
  }
  // A sweep is judged by its own verdict (a testcase of its own): its top step is meant to break the
  // whole-run thresholds, so those are shown as skipped, not failed. The harness's own stay the run's.
  const sweep = report.sweep?.verdict ? report.sweep : null;
  const sweepJudged = (t: Report['thresholds'][number]) => sweep !== null && !isHarnessMetric(t.metric);
  const sweepFailed = sweep !== null && !sweep.verdict.ok ? 1 : 0;
  const thresholdTests = report.thresholds.length + (sweep ? 1 : 0);
  const thresholdFailures = report.thresholds.filter((t) => !t.ok && !sweepJudged(t)).length + sweepFailed;
  const thresholdSkipped = report.thresholds.filter((t) => !t.ok && sweepJudged(t)).length;
  // Regression gates (compare.fail_on) are testcases too: a fired gate is what turned the job red.
  const gates = (report.comparisons ?? []).flatMap((c) =>
    c.gates.map((g) => ({ name: `${c.variant} vs ${c.baseline}${c.baselineRun ? ` (${c.baselineRun})` : ''}: ${g.gate} ${g.limit}`, g })),
  );
  const gateFailures = gates.filter((x) => x.g.fired).length;
  const total = [...perVariant.values()].reduce((a, c) => ({ tests: a.tests + c.tests, failures: a.failures + c.failures, errors: a.errors + c.errors }), {
    tests: thresholdTests + gates.length,
    failures: thresholdFailures + gateFailures,
    errors: 0,
  });
  const props = propertiesXml(report);

  // Written whole: a kill or a full disk mid-file leaves the previous junit.xml, never half of one.
  await writeWhole(join(dir, 'junit.xml'), async (out) => {
    const write = (s: string) => out.write(s);
    await write('<?xml version="1.0" encoding="UTF-8"?>\n');
    // junit-10.xsd allows only these five on <testsuites> (no timestamp, no skipped): the start is a property.
    await write(
      `<testsuites name="flowbench ${xmlText(report.suite)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" time="${secs(report.durationMs)}">\n`,
    );
    for (const v of report.variants) {
      const c = perVariant.get(v.name)!;
      const cls = `${report.suite}.${v.name}`;
      await write(suiteOpen(cls, { ...c, skipped: 0 }, variantTimeMs(c, report), props));
      for await (const r of readResults(resultsFile)) {
        if (r.variant !== v.name || r.warmup) continue;
        for (const piece of testcasePieces(cls, caseName(r, multiIteration), r.latencyMs, outcomeOf(r))) await write(piece);
      }
      await write('  </testsuite>\n');
    }
    if (thresholdTests) {
      const cls = `${report.suite}.thresholds`;
      await write(suiteOpen(cls, { tests: thresholdTests, failures: thresholdFailures, errors: 0, skipped: thresholdSkipped }, 0, props));
      if (sweep) {
        const v = sweep.verdict;
        await write(
          testcase(
            cls,
            `sweep: ${v.ok ? v.reason : 'a sustainable rate'}`,
            0,
            v.ok ? { kind: 'pass' } : { kind: 'failure', type: 'sweep', message: v.reason, detail: `sweep verdict: ${v.reason}` },
          ),
        );
      }
      for (const t of report.thresholds) {
        const actual = t.actual === null ? 'not measured' : String(Math.round(t.actual * 1000) / 1000);
        const o: Outcome = t.ok
          ? { kind: 'pass' }
          : sweepJudged(t)
            ? { kind: 'skipped', message: `whole-run threshold broken (actual ${actual}); a sweep is judged per step` }
            : {
                kind: 'failure',
                type: 'threshold',
                message: `${t.variant} ${t.metric} ${t.op} ${t.limit}: actual ${actual}`,
                detail: `threshold ${t.metric}: "${t.op} ${t.limit}" on variant ${t.variant}; actual ${actual}`,
              };
        await write(testcase(cls, `${t.variant}: ${t.metric} ${t.op} ${t.limit}`, 0, o));
      }
      await write('  </testsuite>\n');
    }
    if (gates.length) {
      const cls = `${report.suite}.gates`;
      await write(suiteOpen(cls, { tests: gates.length, failures: gateFailures, errors: 0, skipped: 0 }, 0, props));
      for (const { name, g } of gates)
        await write(testcase(cls, name, 0, g.fired ? { kind: 'failure', type: 'gate', message: g.reason, detail: g.reason } : { kind: 'pass' }));
      await write('  </testsuite>\n');
    }
    await write('</testsuites>\n');
  });
}
