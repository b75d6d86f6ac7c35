// report.html's envelope: data cannot escape its <script> blocks, only the page's own scripts may
// run (CSP hashes), nothing is fetched, and the embedded rows decode back to the results.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PageData } from '../../src/report/html/page-data.js';
import { escapeHtml, renderHtml, scriptJson } from '../../src/report/html/template.js';

const probe = '</script><img src=x onerror=alert(1)><!--';

function pageData(): PageData {
  return {
    generator: 'flowbench test',
    generatedAt: '2026-01-01T00:00:00Z',
    report: { suite: probe, thresholds: [], comparisons: [], variants: [] } as unknown as PageData['report'],
    curves: { latency: [], ttft: [], itl: [] },
    bins: { latency: [], ttft: [] },
    timeline: null,
    plots: null,
    diffs: null,
    rows: { count: 0, warmups: 0, truncatedOutputs: 0, variants: [], limits: { output: 2000, input: 1000, expected: 1000, error: 500, reason: 300 } },
  };
}

describe('scriptJson', () => {
  it('escapes every "<" so data cannot close its script element or open a comment', () => {
    const s = scriptJson({ a: probe, b: '\u2028' });
    expect(s).not.toContain('<');
    expect(JSON.parse(s)).toEqual({ a: probe, b: '\u2028' });
  });
});

describe('renderHtml', () => {
  const html = renderHtml(pageData(), [Buffer.from('x').toString('base64')]);

  it('has exactly its four script elements, and the data parses back', () => {
    expect(html.match(/<script\b/g)).toHaveLength(4);
    expect(html).not.toContain('<img');
    const json = /<script type="application\/json" id="flowbench-data">([^<]*)<\/script>/.exec(html)![1]!;
    expect((JSON.parse(json) as PageData).report.suite).toBe(probe);
    expect(html).toContain(`<title>flowbench — ${escapeHtml(probe)}</title>`);
  });

  it('allows by hash exactly the scripts it inlines, and no network', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const executable = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(executable).toHaveLength(2);
    for (const code of executable) {
      const hash = createHash('sha256').update(code, 'utf8').digest('base64');
      expect(csp).toContain(`'sha256-${hash}'`);
    }
    expect(executable[0]).toContain('uPlot');
    expect(executable[1]).toContain('function main()');
    expect(html).not.toMatch(/\b(src|href)=["']?https?:/);
  });

  it('embeds each chunk of rows as given (gzip, base64), in order', () => {
    const chunks = [
      { rows: [[0, 1]], strings: [probe] },
      { rows: [[0, 2]], strings: [] },
    ];
    const page = renderHtml(
      pageData(),
      chunks.map((c) => gzipSync(JSON.stringify(c)).toString('base64')),
    );
    const blobs = [...page.matchAll(/class="flowbench-rows">([A-Za-z0-9+/=]*)<\/script>/g)].map((m) => m[1]!);
    expect(blobs.map((b) => JSON.parse(gunzipSync(Buffer.from(b, 'base64')).toString('utf8')))).toEqual(chunks);
  });
});

describe('the page modules', () => {
  it('hold only functions at top level: the page inlines functions, so a module constant would be undefined there', () => {
    const dir = join(import.meta.dirname, '../../src/report/html/page');
    for (const f of readdirSync(dir)) {
      const top = readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => /^(export )?(const|let|var|class|enum) /.test(l));
      expect(top, f).toEqual([]);
    }
  });
});
