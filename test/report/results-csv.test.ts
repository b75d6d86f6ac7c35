// results.csv: one line per result, flat columns, quoted per RFC 4180, formula-like text defused;
// read back with csv-parse to prove a spreadsheet or a script sees the same values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, writeResultsCsv } from '../../src/report/results-csv.js';
import { tempDir } from '../helpers/cli.js';
import { result, writeJsonl } from './fixtures.js';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
  ])('%j → %s', (input, out) => expect(csvField(input)).toBe(out));

  it('writes numbers, booleans and empty values as they are', () => {
    expect(csvField(-1.5, false)).toBe('-1.5');
    expect(csvField(true, false)).toBe('true');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });
});

describe('results.csv', () => {
  it('has a header, one record per result, and every hard value back intact', async () => {
    const dir = tempDir();
    const hostile = 'Line one, "quoted"\nline two\r\nand <b>html</b>';
    writeJsonl(join(dir, 'results.jsonl'), [
      result({ row: 0, output: hostile, inputs: { 'in-0': 'q0', user_id: 'u0' }, metadataFields: { tokens: 42 } }),
      result({
        variant: 'b',
        row: 1,
        ok: false,
        error: { kind: 'http_5xx', message: 'HTTP 503: busy, try later', status: 503 },
        ttftMs: null,
        output: '',
        pass: false,
        score: 0,
        grades: [],
        inputs: { 'in-0': '=cmd|calc' },
      }),
      result({ row: 2, warmup: true }),
    ]);
    await writeResultsCsv(dir);
    const text = readFileSync(join(dir, 'results.csv'), 'utf8');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toEqual(
      expect.arrayContaining([
        'variant',
        'row',
        'ok',
        'error_kind',
        'ttft_ms',
        'latency_ms',
        'pass',
        'output',
        'input.in-0',
        'input.user_id',
        'meta.tokens',
        'warmup',
      ]),
    );
    expect(rows[0]!.output).toBe(hostile);
    expect(rows[0]!['meta.tokens']).toBe('42');
    expect(rows[0]!.grade_reasons).toBe('contains: pass (output contains "answer")');
    expect(rows[1]).toMatchObject({
      variant: 'b',
      ok: 'false',
      error_kind: 'http_5xx',
      error_status: '503',
      error_message: 'HTTP 503: busy, try later',
      ttft_ms: '',
      pass: 'false',
      'input.in-0': "'=cmd|calc",
      'input.user_id': '',
    });
    expect(rows[2]!.warmup).toBe('true');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it("lists every per-result metric, derived from the line's own timestamps and counts", async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'results.jsonl'), [
      // Scheduled 0, sent 4 (after a 429), frames at 50, 60, 90, end 100, 11 tokens: TPOT (100 − 50) / 10.
      result({
        attempts: 2,
        retriedOn: ['http_429'],
        step: 2,
        sendLagMs: 0.25,
        delayed: true,
        harnessStallMs: 12.5,
        costUsd: 0.000042,
        unpricedModels: ['house-llm'],
        serverLatencyMs: 90.5,
        latencyGapMs: 5.5,
        serverMismatch: 'server_ok_client_failed',
        goodput: true,
        firstContentNode: 'LLM',
        conversation: 'chat-1',
        turn: 2,
        ttftMs: 50,
        outputTokens: { count: 11, source: 'metadata' },
        inputTokens: { count: 30, source: 'metadata' },
        timestamps: { scheduled: 0, sent: 4, contentFrames: [50, 60, 90], end: 100 },
      }),
      // A failure without content or tokens: no ITL, TPOT or token figures, but its service time.
      result({
        row: 1,
        ok: false,
        error: { kind: 'timeout', message: 't', status: null },
        ttftMs: null,
        latencyMs: 300,
        timestamps: { scheduled: 0, sent: 1, contentFrames: [], end: 300 },
      }),
    ]);
    await writeResultsCsv(dir);
    const rows = parse(readFileSync(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({
      step: '2',
      attempts: '2',
      retried_on: 'http_429',
      service_ms: '96',
      send_lag_ms: '0.25',
      delayed: 'true',
      harness_stall_ms: '12.5',
      content_frames: '3',
      itl_mean_ms: '20',
      itl_max_ms: '30',
      output_tokens: '11',
      output_tokens_source: 'metadata',
      input_tokens: '30',
      tpot_ms: '5',
      tokens_per_second: '110',
      cost_usd: '0.000042',
      unpriced_models: 'house-llm',
      server_latency_ms: '90.5',
      latency_gap_ms: '5.5',
      server_mismatch: 'server_ok_client_failed',
      goodput: 'true',
      first_content_node: 'LLM',
      conversation: 'chat-1',
      turn: '2',
    });
    expect(rows[1]).toMatchObject({
      step: '',
      retried_on: '',
      service_ms: '299',
      send_lag_ms: '',
      delayed: 'false',
      harness_stall_ms: '0',
      content_frames: '0',
      itl_mean_ms: '',
      itl_max_ms: '',
      output_tokens: '',
      input_tokens: '',
      tpot_ms: '',
      tokens_per_second: '',
    });
  });
});
