import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeOf, writeJunit, xmlText } from '../../src/report/junit.js';
import { renderMarkdownSummary, appendStepSummary } from '../../src/report/markdown-summary.js';
import type { Report } from '../../src/report/report-model.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { flowbenchVersion } from '../../src/version.js';
import { baseRecord } from '../helpers/records.js';

const rec = (over: Partial<ResultRecord>): ResultRecord =>
  baseRecord({
    variant: 'pub',
    ttfbMs: 1,
    ttftMs: 1,
    latencyMs: 1500,
    inputs: { 'in-0': 'Q <1> & "2"' },
    expected: 'e',
    output: 'o',
    pass: true,
    score: 1,
    timestamps: { scheduled: 0, sent: 0, firstByte: 0, contentFrames: [], end: 1 },
    ...over,
  });

const variant = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  params: { version: null, runDraft: false },
  requests: 3,
  ok: 2,
  errors: 1,
  errorKinds: { http_5xx: 1 },
  retries: 0,
  latencyMs: { count: 2, min: 1, mean: 1, p50: 1200, p90: 1, p95: 1400, p99: 1, p999: 1, max: 1 },
  ttftMs: null,
  ttfbMs: null,
  itlMs: null,
  queueMs: null,
  rps: 2.5,
  grades: { graded: 3, passed: 1, failed: 2, graderErrors: 1, passRate: 1 / 3, meanScore: 0.5 },
  metadataFetched: 0,
  feedbackPosted: 2,
  feedbackFailed: 1,
  metadataMetrics: {},
  histograms: {},
  graders: { contains: { passed: 1, failed: 1, errors: 0, meanScore: 0.5 }, script: { passed: 1, failed: 0, errors: 1, meanScore: 0.5 } },
  judge: null,
  ...extra,
});

const report = {
  schemaVersion: 1,
  suite: 'my<suite>',
  suiteFile: '/x.yaml',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '',
  durationMs: 4200,
  partial: false,
  suiteHash: 'ab12',
  target: { baseUrl: 'simulator', orgId: 'o', flowId: 'bot', mode: 'stream' },
  load: { seed: 7 },
  variants: [variant('pub')],
  thresholds: [
    { variant: 'pub', metric: 'pass_rate', op: '>=', limit: 0.9, actual: 1 / 3, ok: false },
    { variant: 'pub', metric: 'ttft_p95_ms', op: '<', limit: 1500, actual: null, ok: false },
    { variant: 'pub', metric: 'error_rate', op: '<', limit: 0.5, actual: 1 / 3, ok: true },
  ],
  comparisons: [],
  verdict: 'fail',
} as unknown as Report;

describe('junit.xml', () => {
  it("a testcase per result with failing graders' reasons, errors apart, one per threshold", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    // Each result is scheduled 100 ms after the one before and ends 1.5 s later; the warm-up and the
    // unlisted variant span far wider, and must not widen the suite's time.
    const at = (row: number) => ({ timestamps: { scheduled: row * 100, sent: row * 100, firstByte: 0, contentFrames: [], end: row * 100 + 1500 } });
    const lines = [
      rec({ row: 0, ...at(0) }),
      rec({
        row: 1,
        ...at(1),
        pass: false,
        score: 0,
        grades: [
          { grader: 'contains', pass: false, score: 0, reason: 'output lacks "x<y>"' },
          { grader: 'script', pass: true, score: 1, reason: 'ok' },
        ],
      }),
      rec({ row: 2, ...at(2), ok: false, pass: false, error: { kind: 'http_5xx', message: 'HTTP 502', status: 502 }, output: '' }),
      rec({ row: 3, ...at(3), pass: false, score: 0.5, grades: [{ grader: 'script', pass: false, score: 0, reason: 'script x.mjs: boom', error: true }] }),
      rec({ row: 4, warmup: true, timestamps: { scheduled: -5000, sent: 0, firstByte: 0, contentFrames: [], end: 99_000 } }),
      rec({ variant: 'other', row: 0, ...at(500) }), // a variant the report does not list (e.g. filtered): left out
    ];
    writeFileSync(join(dir, 'results.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await writeJunit(dir, report);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="flowbench my&lt;suite&gt;" tests="7" failures="3" errors="2" time="4.200">\n/,
    );
    // Wall-clock: row 0's scheduled send (0 ms) to row 3's end (1,800 ms), not the latencies' sum (6 s).
    expect(xml).toContain('<testsuite name="my&lt;suite&gt;.pub" tests="4" failures="1" errors="2" skipped="0" time="1.800">');
    expect(xml).toContain('<testsuite name="my&lt;suite&gt;.thresholds" tests="3" failures="2" errors="0" skipped="0" time="0.000">');
    expect(xml).toContain('<testcase classname="my&lt;suite&gt;.pub" name="row 0: Q &lt;1&gt; &amp; &quot;2&quot;" time="1.500"/>');
    expect(xml).toContain('<failure type="grade" message="contains: output lacks &quot;x&lt;y&gt;&quot;">');
    expect(xml).toContain('<error type="http_5xx" message="http_5xx: HTTP 502">');
    expect(xml).toContain('<error type="grader" message="script: script x.mjs: boom">');
    expect(xml).toContain('name="pub: pass_rate &gt;= 0.9" time="0.000">\n      <failure type="threshold" message="pub pass_rate &gt;= 0.9: actual 0.333">');
    expect(xml).toContain(
      'name="pub: ttft_p95_ms &lt; 1500" time="0.000">\n      <failure type="threshold" message="pub ttft_p95_ms &lt; 1500: actual not measured">',
    );
    expect(xml).toContain('<testcase classname="my&lt;suite&gt;.thresholds" name="pub: error_rate &lt; 0.5" time="0.000"/>');
    expect(xml.match(/<testcase /g)).toHaveLength(7);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
  });

  it("properties on every testsuite; credentials in the URL never shown; a resumed run's suites take its active time", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    writeFileSync(
      join(dir, 'results.jsonl'),
      `${JSON.stringify(rec({ timestamps: { scheduled: 0, sent: 0, firstByte: 0, contentFrames: [], end: 90_000 } }))}\n`,
    );
    const sessions = [
      { startedAt: '', finishedAt: '', requests: 1, activeMs: 2000 },
      { startedAt: '', finishedAt: '', requests: 0, activeMs: 2200 },
    ];
    const target = { baseUrl: 'https://joe:hunter2@api.example.com/x?api_key=s3cret&v=1', orgId: 'o', flowId: 'bot', mode: 'run' };
    await writeJunit(dir, { ...report, target, sessions, resumed: true } as unknown as Report);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    const props = [
      `<property name="flowbench.version" value="${flowbenchVersion()}"/>`,
      '<property name="suite.hash" value="ab12"/>',
      '<property name="target.base_url" value="https://***@api.example.com/x?api_key=***&amp;v=1"/>',
      '<property name="target.flow_id" value="bot"/>',
      '<property name="target.mode" value="run"/>',
      '<property name="load.seed" value="7"/>',
      '<property name="started_at" value="2026-01-01T00:00:00.000Z"/>',
    ]
      .map((p) => `      ${p}\n`)
      .join('');
    expect(xml.split(`    <properties>\n${props}    </properties>\n`)).toHaveLength(3); // the variant's and the thresholds' suites
    expect(xml).not.toMatch(/hunter2|s3cret|joe/);
    // 90 s from first start to last end spans the pause between sessions; the suite is held to the 4.2 s they ran.
    expect(xml).toContain('<testsuite name="my&lt;suite&gt;.pub" tests="1" failures="0" errors="0" skipped="0" time="4.200">');
  });

  it('XML text: escapes markup and drops characters XML 1.0 cannot hold', () => {
    expect(xmlText('a\u0000b\u001bc <&> "q" 😀 é')).toBe('abc &lt;&amp;&gt; &quot;q&quot; 😀 é');
  });

  it('a row failing only on pass_score still says why', () => {
    const o = outcomeOf(rec({ pass: false, score: 0.6, grades: [{ grader: 'g', pass: true, score: 0.6, reason: 'r' }] }));
    expect(o).toMatchObject({ kind: 'failure', message: 'score 0.60 below pass_score' });
  });
});

describe('Markdown summary', () => {
  it('verdict, figures, failing thresholds first, grader tallies', () => {
    const md = renderMarkdownSummary(report);
    expect(md).toMatch(/^## ❌ flowbench: my<suite> — fail\n/);
    expect(md).toContain('| pub | 3 | 1 (http_5xx×1) | – | 1200 / 1400 | 2.50 | 33.3% | 0.500 | 1 |');
    expect(md).toContain('### Thresholds: 2 of 3 failed');
    const rows = md.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ✅'));
    expect(rows).toEqual([
      '| ❌ | pass_rate | pub | >= 0.9 | 0.333 |',
      '| ❌ | ttft_p95_ms | pub | < 1500 | not measured |',
      '| ✅ | error_rate | pub | < 0.5 | 0.333 |',
    ]);
    expect(md).toContain('| script | 1 / 0 / 1 |');
    expect(md).toContain('Feedback posted: pub 2 (1 failed)');
  });

  it('$GITHUB_STEP_SUMMARY: appended when set, untouched otherwise', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'step-')), 'summary.md');
    writeFileSync(file, 'before\n');
    expect(await appendStepSummary(report, { GITHUB_STEP_SUMMARY: file })).toBe(true);
    expect(await appendStepSummary(report, {})).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(`before\n${renderMarkdownSummary(report)}\n`);
  });
});
