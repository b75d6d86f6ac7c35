// The harness section in the terminal table and the Markdown summary: its warnings and one line of
// figures when the harness had a worry, nothing at all when it had none or was not watched.
import { describe, expect, it } from 'vitest';
import { harnessReport } from '../../src/harness/harness-report.js';
import { renderMarkdownSummary } from '../../src/report/markdown-summary.js';
import type { Report } from '../../src/report/report-model.js';
import { renderTable } from '../../src/report/table.js';
import { snap, troubledHarness } from '../harness/fixtures.js';

const report = (harness?: Report['harness']) =>
  ({
    schemaVersion: 1,
    suite: 's',
    suiteFile: '/s.yaml',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '',
    durationMs: 1000,
    partial: false,
    target: { baseUrl: 'simulator', orgId: 'o', flowId: 'bot', mode: 'stream' },
    variants: [
      {
        name: 'published',
        params: { version: null, runDraft: false },
        requests: 100,
        ok: 100,
        errors: 0,
        errorKinds: {},
        retries: 0,
        latencyMs: { count: 100, min: 1, mean: 1, p50: 120, p90: 1, p95: 140, p99: 150, p999: 1, max: 1 },
        ttftMs: null,
        rps: 10,
        grades: { graded: 0, passed: 0, failed: 0, graderErrors: 0, passRate: null, meanScore: null },
        metadataMetrics: {},
        histograms: {},
      },
    ],
    thresholds: [],
    comparisons: [],
    verdict: 'pass',
    ...(harness === undefined ? {} : { harness }),
  }) as unknown as Report;

describe('terminal table', () => {
  it('prints a harness block with the figures and each warning', () => {
    const out = renderTable(report(troubledHarness()));
    const block = out.slice(out.indexOf('harness:'));
    expect(block.split('\n')).toEqual([
      'harness:',
      '  request threads: event-loop delay p99 14.2 ms, longest stall 312 ms',
      ...troubledHarness().warnings.map((w) => `  ! ${w}`),
    ]);
  });

  it('names the main thread when it timed the requests (--threads 0)', () => {
    const h = harnessReport([snap({ role: 'main', threadId: 0, utilization: 0.95 })], []);
    expect(renderTable(report(h))).toContain('  main thread (it timed the requests): event-loop delay p99 1.5 ms, longest stall 0.0 ms');
  });

  it('prints nothing about the harness when all is well or the report predates it', () => {
    for (const h of [harnessReport([snap()], []), null, undefined]) expect(renderTable(report(h))).not.toContain('harness');
  });
});

describe('Markdown summary', () => {
  it('one line of warnings under the variants table', () => {
    const md = renderMarkdownSummary(report(troubledHarness()));
    const lines = md.trimEnd().split('\n\n');
    const at = lines.findIndex((l) => l.startsWith('⚠️ **Harness:**'));
    expect(at).toBe(3); // title, flow line, variants table, then the harness
    expect(lines[at]).toBe(`⚠️ **Harness:** ${troubledHarness().warnings.join('; ')}.`);
  });

  it('nothing when all is well or the report predates it', () => {
    for (const h of [harnessReport([snap()], []), null, undefined]) expect(renderMarkdownSummary(report(h))).not.toContain('Harness');
  });
});
