// The simulator's analytics endpoint: a seeded history, paged and filtered as StackAI documents it, with
// FastAPI's 401 / 404 / 422 answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlows } from '../../src/simulator/flows.js';
import { generateHistory, HISTORY_HOURS, HISTORY_RUNS, HISTORY_START_MS } from '../../src/simulator/history.js';
import { DEFAULT_FLOWS_FILE, startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { get, TOKEN } from './helpers.js';

let sim: LocalSimulatorHandle;
const config = loadFlows(DEFAULT_FLOWS_FILE);
const flow = config.flows.get('support-bot')!;

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN });
});
afterAll(async () => {
  await sim.close();
});

const page = async (query: string, token: string | null = TOKEN) => {
  const res = await get(`${sim.url}/analytics/org/demo/flows/support-bot${query ? `?${query}` : ''}`, token);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('generated history', () => {
  it('is the same for the same seed, another for another seed, within its four hours', () => {
    const a = generateHistory(42, flow);
    expect(generateHistory(42, flow)).toEqual(a);
    expect(generateHistory(43, flow).map((r) => r.run_id)).not.toEqual(a.map((r) => r.run_id));
    expect(a).toHaveLength(HISTORY_RUNS);
    const times = a.map((r) => Date.parse(r.date));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times[0]).toBeGreaterThanOrEqual(HISTORY_START_MS);
    expect(times.at(-1)).toBeLessThan(HISTORY_START_MS + HISTORY_HOURS * 3_600_000);
    expect(new Set(a.map((r) => r.run_id)).size).toBe(a.length);
    expect(new Set(a.map((r) => r.state))).toEqual(new Set(['COMPLETED', 'FAILED', 'CANCELLED']));
  });
});

describe('GET /analytics/org/{org}/flows/{flow}', () => {
  it('pages newest first, 25 by default, from page 0', async () => {
    const all = generateHistory(config.seed, flow).reverse();
    const first = await page('');
    expect(first.status).toBe(200);
    expect((first.body as Array<{ run_id: string }>).map((r) => r.run_id)).toEqual(all.slice(0, 25).map((r) => r.run_id));
    const third = await page('page=2&page_size=7');
    expect(third.body).toEqual(all.slice(14, 21));
    expect((await page('page=1000')).body).toEqual([]);
  });

  it('filters by state (comma-separated), user_id and the dates', async () => {
    const all = generateHistory(config.seed, flow).reverse();
    const failed = await page('state=FAILED,cancelled&page_size=1000');
    expect(failed.body).toEqual(all.filter((r) => r.state !== 'COMPLETED'));
    const user = all[0]!.user_id!;
    expect((await page(`user_id=${user}&page_size=1000`)).body).toEqual(all.filter((r) => r.user_id === user));
    const window = await page('start_date=2025-11-03T09:00:00Z&end_date=2025-11-03T09:30:00&page_size=1000');
    const from = Date.parse('2025-11-03T09:00:00Z');
    expect(window.body).toEqual(all.filter((r) => Date.parse(r.date) >= from && Date.parse(r.date) <= from + 1_800_000));
  });

  it('answers 401 without a key or with a wrong one, 404 for an unknown flow, 422 for bad parameters', async () => {
    expect(await page('', null)).toEqual({ status: 401, body: { detail: 'Not authenticated' } });
    expect((await page('', 'wrong-token')).status).toBe(401);
    const missing = await get(`${sim.url}/analytics/org/demo/flows/nope`);
    expect([missing.status, await missing.json()]).toEqual([404, { detail: 'Flow nope not found' }]);
    for (const [q, loc] of [
      ['page_size=0', 'page_size'],
      ['page=-1', 'page'],
      ['page=x', 'page'],
      ['state=DONE', 'state'],
      ['start_date=monday', 'start_date'],
    ]) {
      const res = await page(q!);
      expect(res.status).toBe(422);
      expect((res.body as { detail: Array<{ loc: string[] }> }).detail.map((d) => d.loc)).toEqual([['query', loc]]);
    }
  });
});
