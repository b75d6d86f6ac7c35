// Pure planning: chunks join back exactly, wrong answers never contain the expected text, draws are seeded.
import { describe, expect, it } from 'vitest';
import { loadFlows, type FlowDef, type ResolvedVariant } from '../../src/simulator/flows.js';
import { resolveVariant } from '../../src/simulator/resolve-variant.js';
import { planResponse, splitWords } from '../../src/simulator/plan.js';
import { DEFAULT_FLOWS_FILE } from '../../src/simulator/start.js';

const config = loadFlows(DEFAULT_FLOWS_FILE);
const bot = config.flows.get('support-bot')!;
const questions = bot.answers.kind === 'csv' ? [...bot.answers.byQuestion.entries()] : [];
const published = resolveVariant(bot, -1, false)!;
const withQuality = (v: ResolvedVariant, quality: number): ResolvedVariant => ({ ...v, model: { ...v.model, quality } });

describe('splitWords', () => {
  it.each([
    ['', 1],
    ['one', 1],
    ['  lead and trail  ', 1],
    ['a  b\n c\td', 2],
    ['repeat repeat repeat', 1],
    ['x y z', 5],
  ])('%j in frames of %i words joins back exactly', (text, n) => {
    expect(splitWords(text, n).join('')).toBe(text);
  });

  it('puts n words in each frame', () => {
    expect(splitWords('a b c d e', 2)).toEqual(['a b', ' c d', ' e']);
  });
});

describe('planResponse', () => {
  it('answers the CSV answer, wrapped, when correct', () => {
    for (const [q, answer] of questions.slice(0, 10)) {
      const p = planResponse(1, bot, withQuality(published, 1), { 'in-0': q }, 0);
      expect(p.correct).toBe(true);
      expect(p.text).toBe(`Sure! ${answer} Anything else I can help with?`);
      expect(p.chunks.map((c) => c.text).join('')).toBe(p.text);
    }
  });

  it('matches questions ignoring case and spacing, and falls back for unknown ones', () => {
    const [q, answer] = questions[0]!;
    const p = planResponse(1, bot, withQuality(published, 1), { 'in-0': `  ${q.toUpperCase().replace(/ /g, '   ')} ` }, 0);
    expect(p.text).toContain(answer);
    const unknown = planResponse(1, bot, withQuality(published, 1), { 'in-0': 'What is the meaning of life?' }, 0);
    expect(unknown.text).toContain('rephrase');
  });

  it('never puts the expected answer into a wrong answer', () => {
    for (let seed = 0; seed < 5; seed++) {
      for (const [q, answer] of questions) {
        const p = planResponse(seed, bot, withQuality(published, 0), { 'in-0': q }, 0);
        expect(p.correct).toBe(false);
        expect(p.text.toLowerCase()).not.toContain(answer.toLowerCase());
        expect(p.text.length).toBeGreaterThan(20);
      }
    }
  });

  it('with jitter 0 times frames exactly from the model', () => {
    const fixed = config.flows.get('fixed-timing')!;
    const p = planResponse(9, fixed, resolveVariant(fixed, 1, false)!, { 'in-0': 'a b c d e f' }, 0);
    expect(p.progressAt).toEqual([0, 100, 200]);
    expect(p.chunks.map((c) => Math.round(c.at * 1000) / 1000)).toEqual([300, 350, 400]);
    expect(p.endAt).toBeCloseTo(400, 6);
  });

  it('is deterministic per seed and varies with the repeat counter', () => {
    const v1 = resolveVariant(bot, 1, false)!;
    const q = { 'in-0': questions[3]![0] };
    const run = (seed: number, counter: number) => planResponse(seed, bot, v1, q, counter);
    expect(run(5, 0)).toEqual(run(5, 0));
    const texts = new Set(Array.from({ length: 12 }, (_, i) => run(5, i).text));
    expect(texts.size).toBeGreaterThan(1);
    const timings = new Set(Array.from({ length: 5 }, (_, i) => run(5, i).chunks[0]!.at));
    expect(timings.size).toBeGreaterThan(1);
  });

  it('matches quality over the whole dataset, and a better version is right wherever a worse one is', () => {
    const rate = (v: ResolvedVariant, seed: number): boolean[] => questions.map(([q]) => planResponse(seed, bot, v, { 'in-0': q }, 0).correct);
    for (const seed of [1, 42, 1234]) {
      const pub = rate(published, seed);
      const draft = rate(resolveVariant(bot, null, true)!, seed);
      const share = (xs: boolean[]): number => xs.filter(Boolean).length / xs.length;
      expect(Math.abs(share(pub) - 0.9)).toBeLessThanOrEqual(1 / questions.length + 1e-9);
      expect(Math.abs(share(draft) - 0.7)).toBeLessThanOrEqual(1 / questions.length + 1e-9);
      draft.forEach((ok, i) => ok && expect(pub[i]).toBe(true));
    }
  });

  it('draws faults at the configured rates', () => {
    const flaky: FlowDef = config.flows.get('flaky-bot')!;
    const v = resolveVariant(flaky, -1, false)!;
    const counts: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) {
      const f = planResponse(42, flaky, v, { 'in-0': `q ${i}` }, 0).fault;
      counts[f] = (counts[f] ?? 0) + 1;
    }
    expect(counts.none!).toBeGreaterThan(1500);
    for (const kind of ['http_429', 'http_500', 'error', 'disconnect']) expect(counts[kind] ?? 0, kind).toBeGreaterThan(20);
  });
});
