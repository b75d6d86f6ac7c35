// Fair runs: every variant answers every row, interleaved row by row, with the variant order rotated
// per row so no variant is systematically first (or later in time) — what makes row pairing fair.
import { describe, expect, it } from 'vitest';
import { planRequests } from '../../src/runner/plan.js';
import { QA } from './helpers.js';

const dataset = { path: QA, format: 'csv' as const, inputs: {}, expected: null, limit: 12 };

describe('the plan', () => {
  it.each([2, 3, 4])('with %i variants: rows interleaved, each variant first equally often, same mean position', async (variants) => {
    const plan = [];
    for await (const p of planRequests(dataset, variants, 2)) plan.push(p);
    expect(plan).toHaveLength(12 * variants * 2);
    const firsts = new Array(variants).fill(0);
    const position = new Array(variants).fill(0);
    for (let i = 0; i < plan.length; i += variants) {
      const block = plan.slice(i, i + variants);
      // One row (and iteration) per block: its variants are sent next to each other in time.
      expect(new Set(block.map((p) => `${p.row}:${p.iteration}`)).size).toBe(1);
      expect(block.map((p) => p.variant).sort()).toEqual([...Array(variants).keys()]);
      firsts[block[0]!.variant]++;
      block.forEach((p, k) => (position[p.variant] += k));
    }
    expect(new Set(firsts).size).toBe(1);
    expect(new Set(position).size).toBe(1);
  });
});
