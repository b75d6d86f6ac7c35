// The simulator's HTTP contract: every endpoint, stream formats, auth, 404s and FastAPI 422s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { TOKEN, get, hasContent, post, readFrames, stream } from './helpers.js';

const Q = 'How do I reset my password?';
const RUN_KEYS = ['citations', 'error', 'metadata', 'outputs', 'pause', 'progress_data', 'run_id', 'state'];

let sim: LocalSimulatorHandle;
let open: LocalSimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, seed: 42 });
  open = await startSimulator({ seed: 42 });
});
afterAll(async () => {
  await sim?.close();
  await open?.close();
});

const api = (path: string): string => `${sim.url}/inference/v0${path}`;

describe('run', () => {
  it('waits for the model, then answers the run JSON', async () => {
    const t0 = performance.now();
    const res = await post(api('/run/demo/fixed-timing?version=-1&verbose=false'), { 'in-0': 'hello there world' });
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(RUN_KEYS);
    expect(body).toMatchObject({
      outputs: { 'out-0': 'hello there world' },
      citations: null,
      metadata: null,
      progress_data: null,
      state: 'COMPLETED',
      pause: null,
      error: null,
    });
    expect(body.run_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every run its own id', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => ((await (await post(api('/run/demo/echo-fast'), { 'in-0': 'x' })).json()) as { run_id: string }).run_id),
    );
    expect(new Set(ids).size).toBe(3);
  });
});

describe('stream', () => {
  it('sends progress-only frames first, content not before ttft_ms, then COMPLETED (JSON Lines)', async () => {
    const input = 'one two three four five six';
    const { status, frames, text, runId } = await stream(sim.url, 'fixed-timing', { 'in-0': input });
    expect(status).toBe(200);
    expect(text).toBe(input);
    const first = frames.findIndex(hasContent);
    expect(first).toBeGreaterThanOrEqual(2);
    expect(frames.slice(0, first).every((f) => !hasContent(f) && f.frame.progress_data !== null)).toBe(true);
    expect(frames[first]!.at).toBeGreaterThanOrEqual(290);
    expect(frames[first]!.at).toBeGreaterThan(frames[0]!.at);
    for (const f of frames) {
      expect(Object.keys(f.frame).sort()).toEqual(RUN_KEYS);
      expect(f.frame.run_id).toBe(runId);
    }
    const last = frames[frames.length - 1]!.frame;
    expect(last).toMatchObject({ state: 'COMPLETED', error: null, pause: null });
    expect(frames.slice(0, -1).every((f) => f.frame.state === null)).toBe(true);
    // The debug view keeps when the run was taken up and when its first content frame left (epoch ms):
    // the content was planned at 300 ms, and the clock serves a frame at most a little early.
    const debug = (await (await fetch(`${sim.url}/_sim/runs/${runId}`)).json()) as { takenUpAt: number; firstContentAt: number };
    expect(debug.firstContentAt - debug.takenUpAt).toBeGreaterThanOrEqual(298);
    expect(debug.firstContentAt - debug.takenUpAt).toBeLessThan(400);
    // 2 words (2.6 tokens) a frame at 52 tok/s: content at 300, 350 and 400 ms.
    expect(frames.filter(hasContent).map((f) => f.frame.outputs['out-0'])).toEqual(['one two', ' three four', ' five six']);
    expect(frames.filter(hasContent)[2]!.at).toBeGreaterThanOrEqual(390);
  });

  it('the increments concatenate to the output kept in metadata', async () => {
    const { text, runId } = await stream(sim.url, 'support-bot', { 'in-0': Q }, 'version=-1&delta=true');
    const meta = (await (await get(api(`/run/demo/support-bot/metadata?run_id=${runId}`))).json()) as { outputs: Record<string, string> };
    expect(text.length).toBeGreaterThan(20);
    expect(meta.outputs['out-0']).toBe(text);
  });

  it('delta=false sends the whole output so far in each frame', async () => {
    const { frames, text, runId } = await stream(sim.url, 'support-bot', { 'in-0': Q }, 'delta=false&run_draft=true');
    const contents = frames.filter(hasContent).map((f) => f.frame.outputs['out-0']!);
    expect(contents.length).toBeGreaterThan(3);
    for (let i = 1; i < contents.length; i++) expect(contents[i]!.startsWith(contents[i - 1]!)).toBe(true);
    const meta = (await (await get(api(`/run/demo/support-bot/metadata?run_id=${runId}`))).json()) as { outputs: Record<string, string> };
    expect(meta.outputs['out-0']).toBe(text);
  });

  it('sse=true sends each frame as a data: event', async () => {
    const t0 = performance.now();
    const res = await post(api('/stream/demo/echo-fast?sse=true&prefix=true'), { 'in-0': 'a b c d e f g h i' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const frames = await readFrames(res, t0, true);
    const text = frames.map((f) => f.frame.outputs['out-0'] ?? '').join('');
    expect(text).toBe('a b c d e f g h i');
    expect(frames[frames.length - 1]!.frame.state).toBe('COMPLETED');
  });

  it('sso stream takes the token from ?token=', async () => {
    const ok = await post(api(`/sso/stream/demo/echo-fast?token=${TOKEN}`), { 'in-0': 'sso works' }, null);
    expect(ok.status).toBe(200);
    const frames = await readFrames(ok, performance.now());
    expect(frames.map((f) => f.frame.outputs['out-0'] ?? '').join('')).toBe('sso works');
    expect((await post(api('/sso/stream/demo/echo-fast?token=nope'), {}, null)).status).toBe(401);
    expect((await post(api('/sso/stream/demo/echo-fast'), {})).status).toBe(401);
  });
});

describe('versions and metadata', () => {
  async function metaOf(query: string, path = 'stream'): Promise<Record<string, unknown>> {
    const res = await post(api(`/${path}/demo/support-bot?${query}`), { 'in-0': 'Do gift cards expire?', user_id: 'u-1', stream: true, n: 5, tags: ['a'] });
    const runId = path === 'run' ? ((await res.json()) as { run_id: string }).run_id : (await readFrames(res, 0))[0]!.frame.run_id;
    return (await (await get(api(`/run/demo/support-bot/metadata?run_id=${runId}`))).json()) as Record<string, unknown>;
  }

  it('version -1 resolves to the latest published version, run_draft to the draft', async () => {
    const [latest, v1, draft, none] = await Promise.all([metaOf('version=-1'), metaOf('version=1', 'run'), metaOf('run_draft=true'), metaOf('')]);
    expect(latest).toMatchObject({ version: 3, draft: false, state: 'COMPLETED' });
    expect(v1).toMatchObject({ version: 1, draft: false, mode: 'run' });
    expect(draft).toMatchObject({ draft: true });
    expect(none).toMatchObject({ version: 3, draft: false });
    expect((draft.llm_usage as Array<{ model_id: string }>)[0]!.model_id).not.toBe((latest.llm_usage as Array<{ model_id: string }>)[0]!.model_id);
  });

  it('keeps inputs as sent, with latency, tokens and usage', async () => {
    const meta = await metaOf('version=3');
    expect(meta.inputs).toEqual({ 'in-0': 'Do gift cards expire?', user_id: 'u-1', stream: true, n: 5, tags: ['a'] });
    expect(typeof meta.latency).toBe('number');
    expect(meta.latency as number).toBeGreaterThan(0.3);
    const usage = (meta.llm_usage as Array<{ model_id: string; input_tokens: number; output_tokens: number }>)[0]!;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(meta.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(Number.isNaN(Date.parse(meta.created_at as string))).toBe(false);
  });
});

describe('feedback', () => {
  it('stores every post on the run and answers counts', async () => {
    const runId = ((await (await post(api('/run/demo/echo-fast'), { 'in-0': 'rate me' })).json()) as { run_id: string }).run_id;
    const r1 = await post(api('/feedback/demo/echo-fast'), { run_id: runId, feedback: 'pass (score 1)' });
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ feedback_count: 1 });
    const r2 = await post(api('/feedback/demo/echo-fast'), { run_id: runId, feedback: 'second' });
    expect(await r2.json()).toEqual({ feedback_count: 2 });
    expect(sim.feedback(runId)).toEqual(['pass (score 1)', 'second']);
    const debug = (await (await fetch(`${sim.url}/_sim/runs/${runId}`)).json()) as { feedback: string[]; state: string };
    expect(debug).toMatchObject({ feedback: ['pass (score 1)', 'second'], state: 'COMPLETED' });
  });
});

describe('errors', () => {
  it('401 for a wrong or missing token; any token when none is configured', async () => {
    expect((await post(api('/run/demo/echo-fast'), {}, 'wrong')).status).toBe(401);
    const missing = await post(api('/run/demo/echo-fast'), {}, null);
    expect(missing.status).toBe(401);
    expect(typeof ((await missing.json()) as { detail: unknown }).detail).toBe('string');
    expect((await post(`${open.url}/inference/v0/run/demo/echo-fast`, {}, 'anything')).status).toBe(200);
    expect((await post(`${open.url}/inference/v0/run/demo/echo-fast`, {}, null)).status).toBe(401);
  });

  it('404 for an unknown flow, run id or path', async () => {
    const flow = await post(api('/run/demo/no-such-flow'), {});
    expect(flow.status).toBe(404);
    expect(typeof ((await flow.json()) as { detail: unknown }).detail).toBe('string');
    expect((await get(api('/run/demo/echo-fast/metadata?run_id=nope'))).status).toBe(404);
    expect((await post(api('/feedback/demo/echo-fast'), { run_id: 'nope', feedback: 'x' })).status).toBe(404);
    expect((await get(`${sim.url}/nowhere`)).status).toBe(404);
  });

  it('422 in FastAPI form for bad query values and bodies', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['/run/demo/echo-fast?version=latest', '{}', ['query', 'version']],
      ['/run/demo/support-bot?version=7', '{}', ['query', 'version']],
      ['/stream/demo/echo-fast?delta=maybe', '{}', ['query', 'delta']],
      ['/stream/demo/echo-fast?run_draft=yess', '{}', ['query', 'run_draft']],
      ['/run/demo/echo-fast', '["not", "an object"]', ['body']],
      ['/run/demo/echo-fast', 'not json', ['body']],
      ['/feedback/demo/echo-fast', '{"feedback": "x"}', ['body', 'run_id']],
    ];
    for (const [path, body, loc] of cases) {
      const res = await post(api(path), body);
      expect(res.status, path).toBe(422);
      const detail = ((await res.json()) as { detail: Array<{ loc: unknown[]; msg: string; type: string }> }).detail;
      expect(detail[0]!.loc.slice(0, loc.length), path).toEqual(loc);
      expect(typeof detail[0]!.msg).toBe('string');
      expect(typeof detail[0]!.type).toBe('string');
    }
    expect((await get(api('/run/demo/echo-fast/metadata'))).status).toBe(422);
  });
});
