// Property tests of the frame decoder: any chunking of a valid stream decodes the same; random bytes never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, type DecodeResult } from '../../src/stackai/frame-decoder.js';

const KINDS = new Set(['protocol', 'incomplete_stream', 'flow_error', 'paused']);

/** Decodes `bytes` cut at `cuts` (sorted offsets), the way a socket might deliver them. */
function decode(bytes: Uint8Array, cuts: number[], opts: { delta: boolean; sse: boolean }): { result: DecodeResult; content: number } {
  const d = new FrameDecoder(opts);
  let content = 0;
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= at) continue;
    content += d.push(bytes.subarray(at, cut));
    at = cut;
  }
  content += d.flush();
  return { result: d.finish(), content };
}

/** A valid stream: progress frames, content increments (any unicode, newlines escaped by JSON), COMPLETED. */
const validStream = fc.record({
  pieces: fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { minLength: 0, maxLength: 12 }),
  progress: fc.integer({ min: 0, max: 3 }),
  sse: fc.boolean(),
  delta: fc.boolean(),
  keepAlives: fc.boolean(),
});

function render(s: { pieces: string[]; progress: number; sse: boolean; delta: boolean; keepAlives: boolean }): { text: string; expected: string } {
  const frames: unknown[] = [];
  for (let i = 0; i < s.progress; i++) frames.push({ outputs: {}, run_id: 'r1', progress_data: { completed_nodes: i }, state: null, pause: null, error: null });
  let so = '';
  for (const p of s.pieces) {
    so += p;
    frames.push({ outputs: { 'out-0': s.delta ? p : so }, run_id: 'r1', state: null, pause: null, error: null });
  }
  frames.push({ outputs: {}, run_id: 'r1', state: 'COMPLETED', pause: null, error: null });
  const lines = frames.map((f) => (s.sse ? `data: ${JSON.stringify(f)}\n\n` : `${JSON.stringify(f)}\n`));
  const text = s.keepAlives ? lines.join(s.sse ? ': ping\n\n' : '\n') : lines.join('');
  return { text, expected: so };
}

describe('frame decoder properties', () => {
  it('decodes every chunking of a valid stream to the same outputs, verdict and content-frame count', () => {
    fc.assert(
      fc.property(validStream, fc.array(fc.nat(), { maxLength: 40 }), (s, rawCuts) => {
        const { text, expected } = render(s);
        const bytes = new TextEncoder().encode(text);
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const whole = decode(bytes, [], s);
        const chunked = decode(bytes, cuts, s);
        expect(whole.result.ok).toBe(true);
        expect(whole.result.outputs['out-0'] ?? '').toBe(expected);
        expect(chunked.result).toEqual(whole.result);
        expect(chunked.content).toBe(whole.content);
      }),
      { numRuns: 400 },
    );
  });

  it('byte by byte gives the same result as one chunk', () => {
    fc.assert(
      fc.property(validStream, (s) => {
        const bytes = new TextEncoder().encode(render(s).text);
        const every = Array.from({ length: bytes.length }, (_, i) => i);
        expect(decode(bytes, every, s).result).toEqual(decode(bytes, [], s).result);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on random bytes, and always ends in a classified verdict', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), fc.boolean(), (bytes, rawCuts, sse, delta) => {
        const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
        const { result } = decode(bytes, cuts, { sse, delta });
        if (!result.ok) {
          expect(KINDS.has(result.error!.kind)).toBe(true);
          expect(result.error!.message.length).toBeLessThanOrEqual(200);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on JSON-ish noise: frames of the wrong shape, states, run ids and stray lines', () => {
    const noisyLine = fc.oneof(
      fc.json(),
      fc
        .record(
          {
            outputs: fc.anything(),
            run_id: fc.oneof(fc.string(), fc.constant('r1')),
            state: fc.oneof(fc.constantFrom('PENDING', 'COMPLETED', 'FAILED', 'PAUSED', 'nope'), fc.constant(null)),
            error: fc.anything(),
            pause: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(noisyLine, { maxLength: 12 }), fc.boolean(), (lines, sse) => {
        const text = lines.map((l) => (sse ? `data: ${l}\n\n` : `${l}\n`)).join('');
        const { result } = decode(new TextEncoder().encode(text), [], { sse, delta: true });
        expect(result.ok || KINDS.has(result.error!.kind)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
