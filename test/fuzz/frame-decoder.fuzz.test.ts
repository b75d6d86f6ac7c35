// Property tests of the frame decoder against hostile bodies: any split of a valid stream (inside UTF-8 characters
// too) decodes alike, noise never throws, buffered bytes stay under the cap, and time grows linearly with the body.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../src/stackai/errors.js';
import { FrameDecoder, type DecodeResult, type FrameDecoderOptions } from '../../src/stackai/frame-decoder.js';

/** FLOWBENCH_FUZZ_SCALE=50 for a long hunt: that many times the runs and the time budget. */
const SCALE = Number(process.env.FLOWBENCH_FUZZ_SCALE ?? 1);
const settings = (numRuns: number, budgetMs = 3000): fc.Parameters<unknown> => ({
  numRuns: numRuns * SCALE,
  plugins: [fc.interruptAfterTimeLimit(budgetMs * SCALE)],
});
const KINDS = new Set(['protocol', 'incomplete_stream', 'flow_error', 'paused']);
const encoder = new TextEncoder();

interface Decoded {
  result: DecodeResult;
  content: number;
  /** Most bytes the decoder held between calls, and the largest chunk it was given. */
  peakBuffered: number;
  largestChunk: number;
}

/** Feeds `bytes` cut at `cuts` (any order, duplicates and out-of-range offsets ignored), checking the decoder's contract on the way. */
function decode(bytes: Uint8Array, cuts: readonly number[], opts: FrameDecoderOptions): Decoded {
  const d = new FrameDecoder(opts);
  let content = 0;
  let peakBuffered = 0;
  let largestChunk = 0;
  let at = 0;
  for (const cut of [...new Set(cuts)]
    .filter((c) => c > 0 && c < bytes.length)
    .sort((a, b) => a - b)
    .concat(bytes.length)) {
    if (cut <= at) continue;
    const wasDone = d.done;
    const completed = d.push(bytes.subarray(at, cut));
    if (wasDone) expect(completed, 'push after the verdict').toBe(0);
    content += completed;
    largestChunk = Math.max(largestChunk, cut - at);
    peakBuffered = Math.max(peakBuffered, d.bufferedBytes);
    at = cut;
  }
  content += d.flush();
  const result = d.finish();
  if (result.error) {
    expect(KINDS.has(result.error.kind), result.error.kind).toBe(true);
    expect(result.error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(result.error.message).not.toMatch(/[\r\n]/);
  }
  return { result, content, peakBuffered, largestChunk };
}

// ---- valid streams ----

/** Output text: any unicode (4-byte emoji, combining marks), and the characters a frame's framing is made of. */
const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('', ' ', '\n', '\r\n', 'data: x', '{"a":1}', '}', '\\', '"', '\u2028', '\u0000', 'naïve 🎉', '日本語', 'e\u0301', '\ud83d\ude00'),
);

const streamShape = fc.record({
  progress: fc.integer({ min: 0, max: 3 }),
  /** Each content frame: a piece per output key (1 to 3 keys). */
  frames: fc.array(fc.array(piece, { minLength: 1, maxLength: 3 }), { maxLength: 10 }),
  sse: fc.boolean(),
  delta: fc.boolean(),
  crlf: fc.boolean(),
  /** What goes between frames: nothing, a blank line, a comment, (SSE) other fields. */
  between: fc.constantFrom('', '\n', ': ping\n', '  \n', 'event: message\nid: 7\nretry: 10\n'),
  /** SSE: the frame's JSON pretty-printed over several data lines (joined again with \n). */
  multiline: fc.boolean(),
  /** JSON Lines: a stray `data: ` prefix on some frames, and text before the first frame. */
  strayData: fc.boolean(),
  prefix: fc.constantFrom('', 'Hello\n', 'Some text: [1, 2]\n', 'PREFIX>'),
  lastInCompleted: fc.boolean(),
});
type Shape = typeof streamShape extends fc.Arbitrary<infer T> ? T : never;

/** The body and what it must decode to. */
function render(s: Shape): { body: string; outputs: Record<string, string>; contentFrames: number } {
  const frames: Record<string, unknown>[] = [];
  for (let i = 0; i < s.progress; i++) frames.push({ outputs: {}, run_id: 'r1', progress_data: { completed_nodes: i }, state: null, pause: null, error: null });
  const sofar = new Map<string, string>();
  let contentFrames = 0;
  for (const pieces of s.frames) {
    const outputs: Record<string, string> = {};
    pieces.forEach((p, k) => {
      const key = `out-${k}`;
      sofar.set(key, (sofar.get(key) ?? '') + p);
      outputs[key] = s.delta ? p : sofar.get(key)!;
    });
    if (pieces.some((p) => p !== '')) contentFrames++;
    frames.push({ outputs, run_id: 'r1', state: null, pause: null, error: null });
  }
  const last = s.lastInCompleted && frames.length > s.progress ? frames.pop()! : { outputs: {} };
  frames.push({ ...last, run_id: 'r1', state: 'COMPLETED', pause: null, error: null });
  const nl = s.crlf ? '\r\n' : '\n';
  const lines = frames.map((f, i) => {
    if (s.sse) {
      const json = s.multiline ? JSON.stringify(f, null, 1) : JSON.stringify(f);
      return `${json
        .split('\n')
        .map((l) => `data: ${l}`)
        .join('\n')}\n\n`;
    }
    return `${s.strayData && i % 2 === 1 ? 'data: ' : ''}${JSON.stringify(f)}\n`;
  });
  const between = !s.sse && s.between.startsWith('event:') ? ': ping\n' : s.between; // SSE fields are not JSON Lines
  const body = (s.sse ? '' : s.prefix) + lines.join(between);
  return { body: body.replace(/\n/g, nl), outputs: Object.fromEntries(sofar), contentFrames };
}

/** Offsets of UTF-8 continuation bytes: a cut there splits a character. */
function insideCharacters(bytes: Uint8Array): number[] {
  const out: number[] = [];
  bytes.forEach((b, i) => {
    if ((b & 0xc0) === 0x80) out.push(i);
  });
  return out;
}

const cutsFor = (bytes: Uint8Array, raw: number[], inside: number[]): number[] => {
  const chars = insideCharacters(bytes);
  return [...raw.map((c) => c % (bytes.length + 1)), ...(chars.length === 0 ? [] : inside.map((c) => chars[c % chars.length]!))];
};

describe('frame decoder fuzzing', () => {
  it('decodes a valid stream to its outputs, and to the same result however it is split (inside characters too)', () => {
    fc.assert(
      fc.property(streamShape, fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), (s, raw, inside) => {
        const { body, outputs, contentFrames } = render(s);
        const bytes = encoder.encode(body);
        const opts = { delta: s.delta, sse: s.sse };
        const whole = decode(bytes, [], opts);
        expect(whole.result).toMatchObject({ ok: true, error: null, outputs, contentFrames, runId: 'r1' });
        expect(whole.content).toBe(contentFrames);
        const split = decode(bytes, cutsFor(bytes, raw, inside), opts);
        expect(split.result).toEqual(whole.result);
        expect(split.content).toBe(whole.content);
      }),
      settings(400),
    );
  });

  it('with a small line cap, a split stream gets the same verdict as the whole one (the cap does not depend on chunking)', () => {
    fc.assert(
      fc.property(streamShape, fc.integer({ min: 8, max: 400 }), fc.array(fc.nat(), { maxLength: 30 }), (s, maxLineBytes, raw) => {
        const bytes = encoder.encode(render(s).body);
        const opts = { delta: s.delta, sse: s.sse, maxLineBytes };
        const whole = decode(bytes, [], opts);
        const split = decode(bytes, cutsFor(bytes, raw, []), opts);
        expect(split.result).toEqual(whole.result);
        expect(whole.peakBuffered).toBeLessThanOrEqual(maxLineBytes + whole.largestChunk);
        expect(split.peakBuffered).toBeLessThanOrEqual(maxLineBytes + split.largestChunk);
      }),
      settings(400),
    );
  });

  // ---- noise ----

  /** Lines a broken or hostile server might send: frames of the wrong shape, SSE fields, cut JSON, deep nesting. */
  const noiseLine = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(
      'data:',
      'data: ',
      'data: {',
      'data: }',
      ':',
      ': ping',
      'event: x',
      'id: 1',
      '{',
      '}',
      '{"outputs":',
      '"run_id":"r2"}',
      '\r',
      ' ',
      'null',
      '[]',
      '42',
    ),
    fc
      .record(
        {
          outputs: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 }))), fc.jsonValue({ maxDepth: 1 })),
          run_id: fc.oneof(fc.constant('r1'), fc.jsonValue({ maxDepth: 1 })),
          state: fc.oneof(fc.constantFrom('PENDING', 'COMPLETED', 'FAILED', 'PAUSED', 'RESUMED', 'CANCELLED', 'nope'), fc.jsonValue({ maxDepth: 1 })),
          error: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
          pause: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    // Nesting deeper than JSON.stringify's stack: JSON.parse reads it, a message built from it must not throw.
    fc
      .constantFrom(3, 20_000)
      .chain((depth) =>
        fc.constantFrom(
          `${'['.repeat(depth)}${']'.repeat(depth)}`,
          `{"outputs":{"o":${'['.repeat(depth)}${']'.repeat(depth)}},"run_id":"r1"}`,
          `{"error":${'{"e":'.repeat(depth)}1${'}'.repeat(depth)}}`,
          `{"outputs":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        ),
      ),
  );

  it('never throws on noise or random bytes: a classified verdict, bytes held under the cap, nothing after the verdict', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(noiseLine, { maxLength: 12 }).map((l) => encoder.encode(l.join('\n'))),
          fc.uint8Array({ maxLength: 600 }),
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.integer({ min: 8, max: 200 }), { nil: undefined }),
        (bytes, raw, sse, delta, maxLineBytes) => {
          const got = decode(bytes, cutsFor(bytes, raw, []), { sse, delta, ...(maxLineBytes !== undefined && { maxLineBytes }) });
          if (maxLineBytes !== undefined) expect(got.peakBuffered).toBeLessThanOrEqual(maxLineBytes + got.largestChunk);
        },
      ),
      settings(800),
    );
  });

  // What these properties found, kept as plain cases.
  it('found: a frame nested 20,000 deep is a protocol failure, not a RangeError out of push()', () => {
    const deep = (v: string) => `${'['.repeat(20_000)}${v}${']'.repeat(20_000)}`;
    for (const line of [`{"outputs":{"o":${deep('1')}},"run_id":"r1"}`, `{"error":${deep('"x"')}}`, `{"outputs":{"o":"a"}}\n${deep('')}`]) {
      const { result } = decode(encoder.encode(`${line}\n`), [], { delta: true, sse: false });
      expect(result.error?.kind, line.slice(0, 30)).toMatch(/protocol|flow_error/);
    }
  });

  it('found: a line over the cap is refused whether it arrives whole or cut', () => {
    const bytes = encoder.encode(`{"outputs":{"out-0":"${'a'.repeat(100)}"},"state":"COMPLETED"}\n`);
    const opts = { delta: true, sse: false, maxLineBytes: 64 };
    expect(decode(bytes, [], opts).result.error?.message).toBe('a line exceeded 64 bytes');
    expect(decode(bytes, [70], opts).result).toEqual(decode(bytes, [], opts).result);
  });

  it('found: SSE data lines that never end their event are held up to the cap only, and read in linear time', () => {
    const body = encoder.encode('data: {\n'.repeat(1 << 17)); // 1 MiB: re-reading the event at every line is quadratic
    const started = performance.now();
    const got = decode(
      body,
      Array.from({ length: 16 }, (_, i) => i * 65536),
      { delta: true, sse: true, maxLineBytes: 256 << 10 },
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(got.result.error?.message).toBe('an SSE event exceeded 262144 bytes');
    expect(got.peakBuffered).toBeLessThanOrEqual((256 << 10) + 65536);
  });

  // ---- memory and time ----

  it('a body with no line end, of 4 MiB, is refused once past the cap and never held beyond cap + one chunk', () => {
    const maxLineBytes = 1 << 20;
    fc.assert(
      fc.property(fc.integer({ min: 256, max: 64 * 1024 }), fc.constantFrom('x', 'data: {"a":', '{"outputs":{"o":"'), fc.boolean(), (chunkSize, unit, sse) => {
        const chunk = encoder.encode(unit.repeat(Math.ceil(chunkSize / unit.length)).slice(0, chunkSize));
        const d = new FrameDecoder({ delta: true, sse, maxLineBytes });
        let fed = 0;
        while (fed < 4 << 20 && !d.done) {
          d.push(chunk);
          fed += chunk.length;
          expect(d.bufferedBytes).toBeLessThanOrEqual(maxLineBytes + chunk.length);
        }
        expect(d.done).toBe(true);
        expect(fed).toBeLessThanOrEqual(maxLineBytes + chunk.length);
        expect(d.bufferedBytes, 'nothing kept after the verdict').toBe(0);
        expect(d.finish().error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/exceeded 1048576 bytes/) });
      }),
      settings(20),
    );
  });

  it('the default cap (16 MiB) holds too', () => {
    const d = new FrameDecoder({ delta: true, sse: false });
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    let fed = 0;
    while (!d.done && fed <= 32 << 20) {
      d.push(chunk);
      fed += chunk.length;
      expect(d.bufferedBytes).toBeLessThanOrEqual((16 << 20) + chunk.length);
    }
    expect(d.done).toBe(true);
    expect(fed).toBe((16 << 20) + chunk.length);
  });

  /** Lines that each leave an SSE event open or a frame unparsed: a decoder that re-reads what it holds is quadratic here. */
  const hostileUnit = fc.oneof(
    fc.constantFrom('data: {\n', 'data: }\n', 'data: {"outputs":\n', 'data:\n', 'data: x\n', ': ping\n', '\n', '{\n', 'Hello{\n', '[\n', 'event: x\n', '\r\n'),
    fc.array(noiseLine, { minLength: 1, maxLength: 4 }).map((l) => `${l.join('\n')}\n`),
  );

  // 256 KiB: a decoder that re-reads what it holds for every line takes many seconds on this; a linear one stays
  // well under the limit on a busy machine, though each line that fails to parse costs a thrown error.
  it('a 256 KiB hostile body decodes in time linear in its size', () => {
    fc.assert(
      fc.property(fc.array(hostileUnit, { minLength: 1, maxLength: 3 }), fc.integer({ min: 512, max: 64 * 1024 }), fc.boolean(), (units, chunkSize, sse) => {
        const unit = units.join('');
        const body = encoder.encode(unit.repeat(Math.ceil((256 << 10) / unit.length)));
        const cuts = Array.from({ length: Math.ceil(body.length / chunkSize) }, (_, i) => i * chunkSize);
        const started = performance.now();
        decode(body, cuts, { delta: true, sse });
        expect(performance.now() - started, `${JSON.stringify(unit.slice(0, 60))} sse=${sse}`).toBeLessThan(1500);
      }),
      settings(25, 5000),
    );
  });
});
