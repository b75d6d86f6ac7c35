// Simulated behaviour over HTTP: same seed same answers, and the demo's published version beats its draft.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { TOKEN, stream } from './helpers.js';

const rows = parse(readFileSync(fileURLToPath(new URL('../../datasets/support.csv', import.meta.url))), { columns: true }) as Array<{
  question: string;
  answer: string;
}>;
const started: LocalSimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});
async function sim(seed: number): Promise<LocalSimulatorHandle> {
  const s = await startSimulator({ seed, token: TOKEN });
  started.push(s);
  return s;
}
const answersOf = (s: LocalSimulatorHandle, query: string, n: number): Promise<string[]> =>
  Promise.all(rows.slice(0, n).map(async (r) => (await stream(s.url, 'support-bot', { 'in-0': r.question }, query)).text));

describe('simulated behaviour', () => {
  it('has a realistic dataset: 44+ questions with short answers', () => {
    expect(rows.length).toBeGreaterThanOrEqual(44);
    for (const r of rows) expect(r.answer.split(' ').length).toBeLessThan(30);
  });

  it('gives the same answers for the same seed and requests', async () => {
    const [a, b] = await Promise.all([sim(7), sim(7)]);
    const [x, y] = await Promise.all([answersOf(a, 'version=1', 16), answersOf(b, 'version=1', 16)]);
    expect(x).toEqual(y);
    // Version 1 (quality 0.6) gets some right and some wrong.
    const right = x.filter((t, i) => t.includes(rows[i]!.answer)).length;
    expect(right).toBeGreaterThan(0);
    expect(right).toBeLessThan(16);
  });

  it('answers correctly more often with the published version than with the draft', async () => {
    const s = await sim(42);
    const n = 44;
    const [pub, draft] = await Promise.all([answersOf(s, 'version=-1', n), answersOf(s, 'run_draft=true', n)]);
    const rate = (texts: string[]): number => texts.filter((t, i) => t.includes(rows[i]!.answer)).length / n;
    expect(rate(pub)).toBeGreaterThanOrEqual(0.8);
    expect(rate(pub) - rate(draft)).toBeGreaterThanOrEqual(0.1);
  });
});
