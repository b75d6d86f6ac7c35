// The client records a stream's progress_data transitions (not every frame) and the record derives the time
// per node, against the simulator's exact node timing (jitter 0) and a server sending chosen bytes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveNodeTimings } from '../../src/metrics/timings.js';
import { StackAIClient } from '../../src/stackai/client.js';
import type { InvokeRequest } from '../../src/stackai/types.js';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';

const FLOWS = fileURLToPath(new URL('./nodes.flows.yaml', import.meta.url));

const request = (flowId: string, draft: boolean): InvokeRequest => ({
  mode: 'stream',
  orgId: 'org',
  flowId,
  inputs: { 'in-0': 'one two three four five six' },
  stream: { sse: false, delta: true, prefix: false },
  timeoutMs: 10_000,
  ...(draft && { runDraft: true }),
});

describe('progress transitions from the simulator', () => {
  let sim: LocalSimulatorHandle;
  let client: StackAIClient;
  beforeAll(async () => {
    sim = await startSimulator({ flowsFile: FLOWS });
    client = new StackAIClient({ baseUrl: sim.url, token: 't', connections: 2 });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('records one mark per change, and the node times come out as the flows file says', async () => {
    for (const [draft, retrievalMs] of [
      [false, 80],
      [true, 400],
    ] as const) {
      const o = await client.invoke(request('nodes-bot', draft));
      expect(o.ok).toBe(true);
      // Input, Retrieval, LLM, Output streaming, Output completed: five changes, however many frames.
      expect(o.progress!.map((p) => [p.node, p.started, p.completed])).toEqual([
        ['Input', 1, 0],
        ['Retrieval', 2, 1],
        ['LLM', 3, 2],
        ['Output', 4, 3],
        ['Output', 4, 4],
      ]);
      expect(o.frames).toBeGreaterThan(o.progress!.length);
      const t = deriveNodeTimings(o.progress!, o.sentAt, o.endAt, o.firstContentMark);
      expect(t.nodes.map((n) => n.node)).toEqual(['Input', 'Retrieval', 'LLM', 'Output']);
      expect(t.firstContentNode).toBe('Output');
      const [input, retrieval, llm, output] = t.nodes;
      // The simulator never sends a frame early, so each start is at least the sum of the node times
      // before it; a busy machine only adds delay, so the bounds above are generous.
      expect(retrieval!.startMs).toBeGreaterThanOrEqual(20 - 1);
      expect(llm!.startMs).toBeGreaterThanOrEqual(20 + retrievalMs - 1);
      expect(llm!.startMs).toBeLessThan(20 + retrievalMs + 150);
      expect(output!.startMs).toBeGreaterThanOrEqual(20 + retrievalMs + 60 - 1);
      // Each stay ends where the next begins; the last at the end of the stream.
      expect(input!.startMs + input!.durationMs).toBeCloseTo(retrieval!.startMs, 2);
      expect(retrieval!.startMs + retrieval!.durationMs).toBeCloseTo(llm!.startMs, 2);
      expect(output!.startMs + output!.durationMs).toBeCloseTo(o.endAt - o.sentAt, 2);
      // The first content came with the Output node, at the sum of the node times before it.
      expect(o.contentFrameAt[0]! - o.sentAt).toBeCloseTo(output!.startMs, 2);
    }
  });
});

describe('progress transitions from chosen bytes', () => {
  let server: Server;
  let url = '';
  let body = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const frame = (progress: unknown, out = '', state: string | null = null) =>
    `${JSON.stringify({ outputs: out ? { 'out-0': out } : {}, run_id: 'r1', metadata: {}, progress_data: progress, state, pause: null, error: null })}\n`;

  it('keeps a node met twice as two stays, reads the node of the first content from the same frame, and decides completion by state alone', async () => {
    const p = (node: string, started: number, completed: number) => ({
      current_node: node,
      total_nodes: 9,
      started_nodes: started,
      completed_nodes: completed,
    });
    body =
      frame(p('Input', 1, 0)) +
      frame(p('Input', 1, 0)) +
      frame(p('Tool', 2, 1)) +
      frame(p('Input', 3, 2), 'Hi') + // content in the frame that comes back to Input: it came from Input
      frame(p('Input', 3, 2), ' there') +
      frame({ current_node: 'Output' }) + // a partial progress value keeps the counts it leaves out
      frame('not an object') + // malformed progress is ignored, never a failure
      frame(p('Output', 4, 4), '', 'COMPLETED'); // completed_nodes (4) short of total_nodes (9): still a success
    const client = new StackAIClient({ baseUrl: url, token: 't', connections: 1 });
    const o = await client.invoke(request('f', false));
    await client.close();
    expect(o.ok).toBe(true);
    expect(o.progress!.map((m) => [m.node, m.started, m.completed])).toEqual([
      ['Input', 1, 0],
      ['Tool', 2, 1],
      ['Input', 3, 2],
      ['Output', 3, 2],
      ['Output', 4, 4],
    ]);
    const t = deriveNodeTimings(o.progress!, o.sentAt, o.endAt, o.firstContentMark);
    expect(t.nodes.map((n) => n.node)).toEqual(['Input', 'Tool', 'Input', 'Output']);
    expect(t.firstContentNode).toBe('Input');
  });

  it('has no marks when no frame carries progress', async () => {
    body = frame(null, 'Hi') + frame(null, '', 'COMPLETED');
    const client = new StackAIClient({ baseUrl: url, token: 't', connections: 1 });
    const o = await client.invoke(request('f', false));
    await client.close();
    expect(o.ok).toBe(true);
    expect(o.progress).toBeUndefined();
    expect(o.firstContentMark).toBeUndefined();
  });
});

describe('deriveNodeTimings', () => {
  it('times each stay from its first frame to the next node (the last to the end), from the send', () => {
    const marks = [
      { at: 105, node: 'A', started: 1, completed: 0 },
      { at: 110, node: 'A', started: 2, completed: 0 }, // a count change alone starts no stay
      { at: 130, node: 'B', started: 2, completed: 1 },
      { at: 180, node: null, started: 3, completed: 2 },
    ];
    expect(deriveNodeTimings(marks, 100, 200, 3)).toEqual({
      nodes: [
        { node: 'A', startMs: 5, durationMs: 25 },
        { node: 'B', startMs: 30, durationMs: 70 },
      ],
      firstContentNode: 'B',
    });
    expect(deriveNodeTimings([], 100, 200).nodes).toEqual([]);
  });
});
