// Per-variant file names: one sanitiser and de-duplication for .hlog and hgrm/*.hgrm, and .hlog with
// every timing (latency, TTFT, TTFB, ITL, TPOT) whose counts agree with report.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { variantFileStems } from '../../src/report/variant-files.js';
import { readJson, runCli, tempDir } from '../helpers/cli.js';

/** Total count per tag in an .hlog text. */
function hlogCounts(text: string): Record<string, number> {
  const reader = new hdr.HistogramLogReader(text);
  const out: Record<string, number> = {};
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    const tag = h.tag ?? '';
    out[tag] = (out[tag] ?? 0) + h.totalCount;
  }
  return out;
}

/** Total count of an .hgrm file, from its footer line. */
function hgrmCount(text: string): number {
  const m = /#\[Max\s*=\s*[\d.]+,\s*Total count\s*=\s*(\d+)\]/.exec(text);
  if (!m) throw new Error(`no total count in\n${text}`);
  return Number(m[1]);
}

describe('variantFileStems', () => {
  it('keeps safe names, sanitises the rest and de-duplicates in variant order', () => {
    expect(variantFileStems(['a b', 'a_b'])).toEqual(['a_b-2', 'a_b']);
    expect(variantFileStems(['a_b', 'a b', 'a/b', 'a_b-2'])).toEqual(['a_b', 'a_b-3', 'a_b-4', 'a_b-2']);
    expect(variantFileStems(['draft', 'published', 'v1.2'])).toEqual(['draft', 'published', 'v1.2']);
    expect(variantFileStems(['..', '', '.hidden', 'ü'])).toEqual(['_', '_-2', '_hidden', '_-3']);
  });
});

describe('per-variant files', () => {
  it('"a b" and "a_b" write distinct .hlog and .hgrm sets, and .hlog counts match the report', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'rows.csv'),
      'q\nthe first question has several words here\nthe second question has a few words too\nand a third one with several more words in it\n',
    );
    const file = join(dir, 'suite.yaml');
    writeFileSync(
      file,
      `name: variant-files
target: { base_url: simulator, org_id: demo, flow_id: fixed-timing, token: "t" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
mode: stream
variants: [{ name: "a b" }, { name: "a_b" }]
load: { concurrency: 2 }
`,
    );
    const out = join(dir, 'out');
    const r = await runCli(['run', file, '--out', out, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    type Summary = { count: number } | null;
    const report = readJson<{
      variants: Array<{ name: string; requests?: number; latencyMs: Summary; ttftMs: Summary; ttfbMs: Summary; itlMs: Summary; tpotMs: Summary }>;
    }>(join(out, 'report.json'));
    expect(report.variants.map((v) => v.name)).toEqual(['a b', 'a_b']);
    const stems = ['a_b-2', 'a_b']; // "a_b" is already safe and keeps its name
    for (const [i, v] of report.variants.entries()) {
      const hlog = join(out, `${stems[i]}.hlog`);
      expect(existsSync(hlog), hlog).toBe(true);
      const counts = hlogCounts(readFileSync(hlog, 'utf8'));
      expect(v.latencyMs!.count).toBeGreaterThan(0);
      expect(v.itlMs!.count).toBeGreaterThan(v.latencyMs!.count); // several gaps per request
      for (const m of ['latency', 'ttft', 'ttfb', 'itl', 'tpot'] as const) {
        const s = v[`${m}Ms`];
        expect(s, m).not.toBeNull();
        expect(counts[m], `${stems[i]}.hlog ${m}`).toBe(s!.count);
      }
      for (const m of ['latency', 'ttft', 'ttfb', 'itl'] as const) {
        const hgrm = join(out, 'hgrm', `${stems[i]}.${m}.hgrm`);
        expect(existsSync(hgrm), hgrm).toBe(true);
        expect(hgrmCount(readFileSync(hgrm, 'utf8')), hgrm).toBe(v[`${m}Ms`]!.count);
      }
    }
    // The two variants each have their own requests: the counts are not shared.
    expect(hlogCounts(readFileSync(join(out, 'a_b.hlog'), 'utf8')).latency).toBe(report.variants[1]!.latencyMs!.count);
  });
});
