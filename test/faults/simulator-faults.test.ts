// Every fault kind of the simulator, seen on the wire: the exact bytes (or broken connection) a client meets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultFlags } from '../../src/simulator/faults.js';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { FAULT_FLOWS, faultOf, question, rawPost, rowWith } from './helpers.js';

let sim: LocalSimulatorHandle;
beforeAll(async () => {
  // Short stalls keep the test quick; the flag path is the one `flowbench simulate --fault` uses.
  sim = await startSimulator({ flowsFile: FAULT_FLOWS, seed: 42, faults: parseFaultFlags(['stall_s=0.4']) });
});
afterAll(() => sim.close());

const streamUrl = (flow: string, q = '') => `${sim.url}/inference/v0/stream/demo/${flow}${q}`;
const runUrl = (flow: string) => `${sim.url}/inference/v0/run/demo/${flow}`;
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const frames = (text: string) =>
  lines(text).map((l) => JSON.parse(l) as { run_id: string; state: string | null; error: unknown; pause: unknown; outputs: Record<string, string> });
// Each input is used once per file: a second request with the same input would be the simulator's next draw.
const input = (flow: string, fault: Parameters<typeof rowWith>[1], nth = 0) => ({ 'in-0': question(rowWith(flow, fault, nth)) });

describe('simulator faults on the wire (stream mode)', () => {
  it('429 with Retry-After in seconds, or as an HTTP date', async () => {
    const r = await rawPost(streamUrl('fault-429'), input('fault-429', 'http_429'));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('0');
    expect(JSON.parse(r.text)).toEqual({ detail: 'Too Many Requests' });
    const d = await rawPost(streamUrl('fault-429-date'), input('fault-429-date', 'http_429'));
    expect(d.status).toBe(429);
    const at = Date.parse(String(d.headers['retry-after']));
    expect(at - Date.now()).toBeGreaterThan(-1000);
    expect(at - Date.now()).toBeLessThan(2000);
  });

  it.each([
    ['http_500', 500],
    ['http_502', 502],
    ['http_503', 503],
  ] as const)('%s', async (fault, status) => {
    const r = await rawPost(streamUrl('fault-5xx'), input('fault-5xx', fault));
    expect(r.status).toBe(status);
    if (status === 503) expect(r.headers['retry-after']).toBe('0');
  });

  it('reset before any header', async () => {
    const r = await rawPost(streamUrl('fault-reset'), input('fault-reset', 'reset'));
    expect(r.status).toBeNull();
    expect(r.error).toMatch(/socket hang up|ECONNRESET/);
  });

  it('reset mid-stream, after some content', async () => {
    const r = await rawPost(streamUrl('fault-disconnect'), input('fault-disconnect', 'disconnect'));
    expect(r.status).toBe(200);
    expect(r.error).not.toBeNull();
    const f = frames(r.text);
    expect(f.some((x) => Object.values(x.outputs).some((v) => v !== ''))).toBe(true);
    expect(f.every((x) => x.state === null)).toBe(true);
  });

  it('a stall: no bytes for stall_s mid-stream, then the answer completes', async () => {
    const inp = input('fault-stall', 'stall');
    const t0 = performance.now();
    const r = await rawPost(streamUrl('fault-stall'), inp);
    expect(r.status).toBe(200);
    expect(frames(r.text).at(-1)!.state).toBe('COMPLETED');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
  });

  it('a stall before the headers', async () => {
    const t0 = performance.now();
    const r = await rawPost(streamUrl('fault-stall-headers'), input('fault-stall-headers', 'stall'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    expect(frames(r.text).at(-1)!.state).toBe('COMPLETED');
  });

  it('EOF without COMPLETED', async () => {
    const r = await rawPost(streamUrl('fault-eof'), input('fault-eof', 'eof'));
    expect(r.error).toBeNull();
    const f = frames(r.text);
    expect(f.length).toBeGreaterThan(1);
    expect(f.every((x) => x.state === null && x.error === null)).toBe(true);
  });

  it('an error frame', async () => {
    const f = frames((await rawPost(streamUrl('fault-error'), input('fault-error', 'error'))).text);
    expect(f.at(-1)).toMatchObject({ state: 'FAILED', error: expect.stringContaining('Simulated failure') });
  });

  it('a pause frame', async () => {
    const f = frames((await rawPost(streamUrl('fault-pause'), input('fault-pause', 'pause'))).text);
    expect(f.at(-1)).toMatchObject({ state: 'PAUSED', error: null, pause: { type: 'human_in_the_loop' } });
  });

  it('an unparsable line mid-stream', async () => {
    const r = await rawPost(streamUrl('fault-garbage'), input('fault-garbage', 'garbage'));
    const bad = lines(r.text).filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
  });

  it('a changed run_id', async () => {
    const f = frames((await rawPost(streamUrl('fault-run-id'), input('fault-run-id', 'run_id_change'))).text);
    expect(new Set(f.map((x) => x.run_id)).size).toBe(2);
  });

  it('slow byte-by-byte delivery, SSE too, with the same text', async () => {
    const text = question(3);
    const r = await rawPost(streamUrl('fault-slow', '?sse=true'), { 'in-0': text });
    expect(r.chunks.length).toBeGreaterThan(50); // many small writes reach the client as many chunks
    const out = lines(r.text)
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { outputs: Record<string, string>; state: string | null });
    expect(out.map((x) => x.outputs['out-0'] ?? '').join('')).toBe(text);
    expect(out.at(-1)!.state).toBe('COMPLETED');
  });

  it('a huge output in large frames', async () => {
    const f = frames((await rawPost(streamUrl('fault-huge'), input('fault-huge', 'huge'))).text);
    const text = f.map((x) => x.outputs['out-0'] ?? '').join('');
    expect(text.length).toBeGreaterThanOrEqual(256 * 1024);
    expect(text.startsWith(question(rowWith('fault-huge', 'huge')))).toBe(true);
    expect(f.at(-1)!.state).toBe('COMPLETED');
  });
});

describe('simulator faults in run mode', () => {
  it('EOF: half a JSON body; garbage: not JSON; pause: a PAUSED body', async () => {
    const eof = await rawPost(runUrl('fault-eof'), input('fault-eof', 'eof', 1));
    expect(() => JSON.parse(eof.text)).toThrow();
    expect(eof.text.startsWith('{"outputs"')).toBe(true);
    const g = await rawPost(runUrl('fault-garbage'), input('fault-garbage', 'garbage', 1));
    expect(() => JSON.parse(g.text)).toThrow();
    const p = JSON.parse((await rawPost(runUrl('fault-pause'), input('fault-pause', 'pause', 1))).text);
    expect(p).toMatchObject({ state: 'PAUSED', pause: { type: 'human_in_the_loop' } });
  });

  it('slow: a run body written byte by byte', async () => {
    const r = await rawPost(runUrl('fault-slow'), { 'in-0': 'hello there' });
    expect(r.chunks.length).toBeGreaterThan(20);
    expect(JSON.parse(r.text)).toMatchObject({ state: 'COMPLETED', outputs: { 'out-0': 'hello there' } });
  });
});

describe('fault draws and flags', () => {
  it('a retry of the same input draws anew, reproducibly', () => {
    const row = rowWith('fault-429', 'http_429');
    const draws = [0, 1, 2, 3, 4, 5].map((c) => faultOf('fault-429', question(row), c));
    expect(draws[0]).toBe('http_429');
    expect(draws).toContain('none');
    expect([0, 1, 2, 3, 4, 5].map((c) => faultOf('fault-429', question(row), c))).toEqual(draws);
  });

  it('refuses unknown fault keys and bad values', () => {
    expect(() => parseFaultFlags(['http_492_rate=0.1'])).toThrow(/unknown fault key[\s\S]*/);
    try {
      parseFaultFlags(['http_492_rate=0.1']);
    } catch (e) {
      expect((e as ConfigError).hint).toMatch(/did you mean http_429_rate/);
    }
    expect(() => parseFaultFlags(['stall_rate=2'])).toThrow(ConfigError);
    expect(() => parseFaultFlags(['stall_at=middle'])).toThrow(/headers \| content/);
    expect(() => parseFaultFlags(['nonsense'])).toThrow(/KEY=VALUE/);
    // Names of Object.prototype's members are unknown keys too, not a crash.
    for (const key of ['constructor', 'tostring', 'hasownproperty']) {
      expect(() => parseFaultFlags([`${key}=1`])).toThrow(/unknown fault key/);
    }
    expect(parseFaultFlags(['retry_after_date=true', 'huge_kb=8'])).toEqual({ retry_after_date: true, huge_kb: 8 });
  });
});
