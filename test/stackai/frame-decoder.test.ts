import { describe, expect, it } from 'vitest';
import { FrameDecoder, type DecodeResult, type FrameDecoderOptions } from '../../src/stackai/frame-decoder.js';

/** One StackAI frame as the service writes it, with the given fields overridden. */
function frame(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    outputs: {},
    run_id: 'r1',
    metadata: {},
    progress_data: { current_node: 'Input', total_nodes: 7, started_nodes: 1, completed_nodes: 0 },
    state: null,
    pause: null,
    error: null,
    ...over,
  });
}
const progress = (n = 1) => frame({ progress_data: { current_node: 'LLM', total_nodes: 7, started_nodes: n, completed_nodes: n - 1 } });
const content = (text: string, key = 'out-0', over: Record<string, unknown> = {}) => frame({ outputs: { [key]: text }, ...over });
const completed = (over: Record<string, unknown> = {}) => frame({ state: 'COMPLETED', progress_data: { total_nodes: 7, completed_nodes: 6 }, ...over });
const jsonl = (...frames: string[]) => frames.map((f) => `${f}\n`).join('');
const sse = (...frames: string[]) => frames.map((f) => `data: ${f}\n\n`).join('');

interface Decoded {
  result: DecodeResult;
  pushed: number;
  done: boolean;
}

function decode(chunks: Array<string | Uint8Array>, opts: FrameDecoderOptions = { delta: true, sse: false }): Decoded {
  const d = new FrameDecoder(opts);
  let pushed = 0;
  for (const c of chunks) pushed += d.push(c);
  const done = d.done;
  pushed += d.flush();
  return { result: d.finish(), pushed, done };
}

type Case = { name: string; body: string; opts?: FrameDecoderOptions; expect: Partial<DecodeResult> & { kind?: string; message?: RegExp } };

const cases: Case[] = [
  {
    name: 'JSON Lines success, progress frames are not content',
    body: jsonl(progress(1), progress(2), content('Open'), content(' AI is'), completed()),
    expect: { ok: true, outputs: { 'out-0': 'Open AI is' }, runId: 'r1', frames: 5, contentFrames: 2 },
  },
  {
    name: 'SSE data events (sse=true)',
    opts: { delta: true, sse: true },
    body: sse(progress(), content('Open'), content(' AI'), completed()),
    expect: { ok: true, outputs: { 'out-0': 'Open AI' }, frames: 4, contentFrames: 2 },
  },
  {
    name: 'SSE event with several data lines is joined with \\n',
    opts: { delta: true, sse: true },
    body: `event: message\nid: 1\ndata: {"outputs":{"out-0":"a"},\ndata: "run_id":"r1","state":null}\n\n${sse(completed())}`,
    expect: { ok: true, outputs: { 'out-0': 'a' }, contentFrames: 1 },
  },
  {
    name: 'SSE events without the blank line between them',
    opts: { delta: true, sse: true },
    body: `data: ${content('a')}\ndata: ${content('b')}\ndata: ${completed()}\n`,
    expect: { ok: true, outputs: { 'out-0': 'ab' }, contentFrames: 2 },
  },
  {
    name: 'stray "data: " prefix without sse=true',
    body: `data: ${content('x')}\ndata:${content('y')}\n${completed()}\n`,
    expect: { ok: true, outputs: { 'out-0': 'xy' } },
  },
  {
    name: 'blank lines and ":" comments are keep-alives (JSON Lines)',
    body: `\n:keep-alive\n${content('a')}\n\n   \n: ping\n${completed()}\n\n`,
    expect: { ok: true, outputs: { 'out-0': 'a' }, frames: 2 },
  },
  {
    name: 'blank lines and ":" comments are keep-alives (SSE)',
    opts: { delta: true, sse: true },
    body: `: hello\n\n\n${sse(content('a'))}: ping\n\n${sse(completed())}`,
    expect: { ok: true, outputs: { 'out-0': 'a' } },
  },
  {
    name: 'text prefix before the first frame is skipped',
    body: `Some prefix text\nmore prefix: [1, 2]\n${jsonl(content('a'), completed())}`,
    expect: { ok: true, outputs: { 'out-0': 'a' }, frames: 2 },
  },
  {
    name: 'text prefix on the same line as the first frame',
    body: `PREFIX>${content('a')}\n${completed()}\n`,
    expect: { ok: true, outputs: { 'out-0': 'a' } },
  },
  {
    name: 'text prefix before the first SSE event is skipped',
    opts: { delta: true, sse: true },
    body: `Some prefix\ndata: more prefix\n\n${sse(content('a'), completed())}`,
    expect: { ok: true, outputs: { 'out-0': 'a' }, frames: 2 },
  },
  {
    name: 'unparsable line after frames began is protocol',
    body: jsonl(content('a'), 'oops not json', completed()),
    expect: { ok: false, kind: 'protocol', outputs: { 'out-0': 'a' }, message: /unparsable frame: oops not json/ },
  },
  { name: 'broken first frame is protocol', body: `{"outputs": {\n${jsonl(completed())}`, expect: { ok: false, kind: 'protocol' } },
  {
    name: '\\r\\n line endings',
    body: jsonl(content('a'), content('b'), completed()).replace(/\n/g, '\r\n'),
    expect: { ok: true, outputs: { 'out-0': 'ab' } },
  },
  {
    name: 'delta=true keeps repeated words and whitespace exactly',
    body: jsonl(content('the'), content(' the'), content(' the'), content(' '), content('\n end '), completed()),
    expect: { ok: true, outputs: { 'out-0': 'the the the \n end ' }, contentFrames: 5 },
  },
  {
    name: 'delta=false: cumulative outputs, increment is the new suffix',
    opts: { delta: false, sse: false },
    body: jsonl(content('Open'), content('Open AI'), content('Open AI'), content('Open AI is'), completed({ outputs: { 'out-0': 'Open AI is' } })),
    expect: { ok: true, outputs: { 'out-0': 'Open AI is' }, contentFrames: 3 },
  },
  {
    name: 'delta=false: a value that does not extend the previous one replaces it',
    opts: { delta: false, sse: false },
    body: jsonl(content('Hello'), content('Goodbye'), content(''), completed()),
    expect: { ok: true, outputs: { 'out-0': 'Goodbye' }, contentFrames: 2 },
  },
  {
    name: 'several output keys',
    body: jsonl(frame({ outputs: { 'out-0': 'a', 'out-1': 'x' } }), frame({ outputs: { 'out-1': 'y' } }), completed()),
    expect: { ok: true, outputs: { 'out-0': 'a', 'out-1': 'xy' }, contentFrames: 2 },
  },
  {
    name: 'empty and null output values are not content; other values are JSON',
    body: jsonl(frame({ outputs: { 'out-0': '' } }), frame({ outputs: { 'out-0': null } }), frame({ outputs: { n: 3 } }), completed()),
    expect: { ok: true, outputs: { 'out-0': '', n: '3' }, contentFrames: 1 },
  },
  {
    name: 'one frame with progress, content and completion',
    body: jsonl(progress(), completed({ outputs: { 'out-0': 'all at once' } })),
    expect: { ok: true, outputs: { 'out-0': 'all at once' }, frames: 2, contentFrames: 1 },
  },
  {
    name: 'completed_nodes need not reach total_nodes',
    body: jsonl(content('a'), frame({ state: 'COMPLETED', progress_data: { total_nodes: 9, completed_nodes: 3 } })),
    expect: { ok: true },
  },
  { name: 'a last frame without a trailing newline still counts', body: `${content('a')}\n${completed()}`, expect: { ok: true, outputs: { 'out-0': 'a' } } },
  {
    name: 'EOF before COMPLETED is incomplete_stream, partial output kept',
    body: jsonl(progress(), content('half an ans')),
    expect: { ok: false, kind: 'incomplete_stream', outputs: { 'out-0': 'half an ans' } },
  },
  {
    name: 'EOF inside a frame is incomplete_stream',
    body: `${content('a')}\n{"outputs":{"out-0":"b`,
    expect: { ok: false, kind: 'incomplete_stream', outputs: { 'out-0': 'a' } },
  },
  { name: 'empty body is incomplete_stream', body: '', expect: { ok: false, kind: 'incomplete_stream', frames: 0 } },
  {
    name: 'keep-alives only is incomplete_stream (SSE)',
    opts: { delta: true, sse: true },
    body: ': ping\n\nevent: ping\n\n',
    expect: { ok: false, kind: 'incomplete_stream', frames: 0 },
  },
  {
    name: 'text and not one frame (an HTML page) is protocol',
    body: '<!DOCTYPE html>\n<html><body>Sign in</body></html>\n',
    expect: { ok: false, kind: 'protocol', frames: 0, message: /not a stream of frames: it starts "<!DOCTYPE html>"/ },
  },
  {
    name: 'text and not one frame is protocol (SSE)',
    opts: { delta: true, sse: true },
    body: '<html>\n<body>502 Bad Gateway</body>\n',
    expect: { ok: false, kind: 'protocol', frames: 0 },
  },
  {
    name: 'non-null error is flow_error with the error text on one line',
    body: jsonl(content('a'), frame({ error: 'LLM node failed:\n  rate limited' })),
    expect: { ok: false, kind: 'flow_error', outputs: { 'out-0': 'a' }, message: /LLM node failed: rate limited/ },
  },
  {
    name: 'error object is shown as JSON',
    body: jsonl(frame({ error: { node: 'llm-0', message: 'boom' } })),
    expect: { ok: false, kind: 'flow_error', message: /"message":"boom"/ },
  },
  { name: 'state FAILED is flow_error', body: jsonl(content('a'), frame({ state: 'FAILED' })), expect: { ok: false, kind: 'flow_error', message: /FAILED/ } },
  { name: 'state CANCELLED is flow_error', body: jsonl(frame({ state: 'CANCELLED' })), expect: { ok: false, kind: 'flow_error', message: /CANCELLED/ } },
  {
    name: 'COMPLETED with an error is flow_error',
    body: jsonl(completed({ error: 'late failure' })),
    expect: { ok: false, kind: 'flow_error', message: /late failure/ },
  },
  {
    name: 'non-null pause is paused',
    body: jsonl(content('a'), frame({ pause: { node: 'approval' } })),
    expect: { ok: false, kind: 'paused', outputs: { 'out-0': 'a' } },
  },
  { name: 'state PAUSED is paused', body: jsonl(frame({ state: 'PAUSED' })), expect: { ok: false, kind: 'paused' } },
  { name: 'COMPLETED with a pause is paused', body: jsonl(completed({ pause: { why: 'x' } })), expect: { ok: false, kind: 'paused' } },
  {
    name: 'PENDING and RESUMED are not terminal',
    body: jsonl(frame({ state: 'PENDING' }), content('a', 'out-0', { state: 'RESUMED' }), completed()),
    expect: { ok: true, outputs: { 'out-0': 'a' } },
  },
  {
    name: 'unknown state is protocol',
    body: jsonl(content('a'), frame({ state: 'DONE' })),
    expect: { ok: false, kind: 'protocol', message: /unknown run state "DONE"/ },
  },
  {
    name: 'a frame that is not an object is protocol',
    body: jsonl(content('a'), '[1,2]', completed()),
    expect: { ok: false, kind: 'protocol', message: /not a JSON object/ },
  },
  { name: 'a number frame after frames began is protocol', body: jsonl(content('a'), '42'), expect: { ok: false, kind: 'protocol' } },
  { name: 'outputs that are not an object is protocol', body: jsonl(frame({ outputs: 'text' })), expect: { ok: false, kind: 'protocol' } },
  {
    name: 'run_id changing between frames is protocol',
    body: jsonl(content('a'), content('b', 'out-0', { run_id: 'r2' }), completed()),
    expect: { ok: false, kind: 'protocol', outputs: { 'out-0': 'a' }, message: /run_id changed from r1 to r2/ },
  },
  { name: 'a frame without run_id does not change it', body: jsonl(content('a'), frame({ run_id: null }), completed()), expect: { ok: true, runId: 'r1' } },
  {
    name: 'what follows a terminal frame is ignored',
    body: `${jsonl(content('a'), completed(), content('zzz'))}garbage\n`,
    expect: { ok: true, outputs: { 'out-0': 'a' }, frames: 2 },
  },
  { name: 'what follows a failure is ignored', body: jsonl(frame({ error: 'x' }), completed()), expect: { ok: false, kind: 'flow_error', frames: 1 } },
  {
    name: 'an output key named __proto__ is an ordinary key',
    body: jsonl('{"outputs":{"__proto__":"p"},"run_id":"r1","state":"COMPLETED","error":null,"pause":null}'),
    expect: { ok: true, outputs: JSON.parse('{"__proto__":"p"}') as Record<string, string> },
  },
];

describe('FrameDecoder rules', () => {
  it.each(cases)('$name', ({ body, opts, expect: want }) => {
    const { result } = decode([body], opts);
    const { kind, message, ...rest } = want;
    expect(result).toMatchObject(rest);
    if (want.ok) expect(result.error).toBeNull();
    if (kind) expect(result.error?.kind).toBe(kind);
    if (message) expect(result.error?.message).toMatch(message);
    if (result.error) {
      expect(result.error.message).not.toMatch(/\n/);
      expect(result.error.message.length).toBeLessThanOrEqual(200);
    }
  });

  it('push returns the content frames each chunk completed, and done once terminal', () => {
    const d = new FrameDecoder({ delta: true, sse: false });
    expect(d.push(`${progress()}\n${progress(2)}\n`)).toBe(0);
    expect(d.push(`${content('a')}\n${content('b')}\n${content('c').slice(0, 10)}`)).toBe(2);
    expect(d.done).toBe(false);
    expect(d.push(`${content('c').slice(10)}\n${completed({ outputs: { 'out-0': 'd' } })}\n`)).toBe(2);
    expect(d.done).toBe(true);
    expect(d.push(`${content('late')}\n`)).toBe(0);
    expect(d.finish()).toMatchObject({ ok: true, outputs: { 'out-0': 'abcd' }, contentFrames: 4 });
  });

  it('never throws on binary garbage, and reports protocol', () => {
    const d = new FrameDecoder({ delta: true, sse: false });
    d.push(`${content('a')}\n`);
    expect(() => d.push(new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x0a, 0xc3]))).not.toThrow();
    expect(d.finish().error?.kind).toBe('protocol');
  });

  it('a line that never ends is refused once it passes the cap', () => {
    const d = new FrameDecoder({ delta: true, sse: false, maxLineBytes: 1000 });
    for (let i = 0; i < 20 && !d.done; i++) d.push('x'.repeat(100));
    expect(d.done).toBe(true);
    expect(d.finish().error?.kind).toBe('protocol');
  });

  it('redacts secrets from the messages it builds', () => {
    const { result } = decode([jsonl(frame({ error: 'bad key sk-CANARY-123 rejected' }))], { delta: true, sse: false, secrets: ['sk-CANARY-123'] });
    expect(result.error?.message).toContain('***');
    expect(result.error?.message).not.toContain('CANARY');
  });
});

describe('FrameDecoder chunking', () => {
  const words = ['Café', ' 日本', ' the', ' the', ' naïve 🎉', ' end'];
  const variants: Array<{ name: string; opts: FrameDecoderOptions; body: string }> = [
    { name: 'JSON Lines, delta', opts: { delta: true, sse: false }, body: jsonl(progress(1), progress(2), ...words.map((w) => content(w)), completed()) },
    {
      name: 'JSON Lines, cumulative, \\r\\n',
      opts: { delta: false, sse: false },
      body: jsonl(progress(1), ...words.map((_, i) => content(words.slice(0, i + 1).join(''))), completed()).replace(/\n/g, '\r\n'),
    },
    {
      name: 'SSE, delta, with comments',
      opts: { delta: true, sse: true },
      body: `: hi\n\n${sse(progress(1), ...words.map((w) => content(w)))}: ping\n\n${sse(completed())}`,
    },
  ];
  const expected = words.join('');

  for (const v of variants) {
    describe(v.name, () => {
      const bytes = new TextEncoder().encode(v.body);
      const reference = decode([v.body], v.opts);

      it('decodes the whole body in one chunk', () => {
        expect(reference.result).toMatchObject({ ok: true, outputs: { 'out-0': expected }, contentFrames: words.length });
        expect(reference.pushed).toBe(words.length);
      });

      it('gives the same result split at every byte boundary', () => {
        for (let cut = 0; cut <= bytes.length; cut++) {
          const got = decode([bytes.subarray(0, cut), bytes.subarray(cut)], v.opts);
          expect(got.result, `cut at byte ${cut}`).toEqual(reference.result);
          expect(got.pushed, `cut at byte ${cut}`).toBe(words.length);
        }
      });

      it('gives the same result in 1-byte chunks', () => {
        const chunks = Array.from(bytes, (b) => new Uint8Array([b]));
        const got = decode(chunks, v.opts);
        expect(got.result).toEqual(reference.result);
        expect(got.pushed).toBe(words.length);
      });

      it('gives the same result for string chunks split at every character', () => {
        const got = decode([...v.body], v.opts);
        expect(got.result).toEqual(reference.result);
      });
    });
  }
});
