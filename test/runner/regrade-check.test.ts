// What `flowbench regrade --suite` may change: the demo suite loaded, then one setting changed at a time.
import { describe, expect, it } from 'vitest';
import { refusalMessage, regradeRefusals } from '../../src/runner/regrade-check.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import type { Suite } from '../../src/suite/types.js';

const demo = await loadSuite('suites/demo.yaml');
const changed = (f: (s: Suite) => Suite) => regradeRefusals(demo, f(structuredClone(demo)));

describe('regrade refusals', () => {
  it('takes any change to how outputs are judged', () => {
    expect(changed((s) => ({ ...s, graders: s.graders.slice(1) }))).toEqual([]);
    expect(changed((s) => ({ ...s, passScore: 0.5, maxErrorRate: 0.2, name: 'renamed' }))).toEqual([]);
    expect(
      changed((s) => ({ ...s, thresholds: { pass_rate: '>= 0.99' }, compare: { baseline: 'draft', failOn: { pass_rate_drop: 0.1 }, alpha: 0.1 } })),
    ).toEqual([]);
    expect(changed((s) => ({ ...s, feedback: { post: true, when: 'fail', template: null }, report: { dir: 'elsewhere' } }))).toEqual([]);
    // New prices and goodput objectives re-price and re-count the saved usage and timings; a budget has nothing left to limit.
    expect(
      changed((s) => ({
        ...s,
        cost: { prices: { 'gpt-4o': { inputPerMtok: 9, outputPerMtok: 9 } }, expectedTokens: {} },
        goodput: null,
        budget: { maxRuns: 3, maxCostUsd: null },
      })),
    ).toEqual([]);
    // A new token is no change either: it is never part of the settings.
    expect(changed((s) => ({ ...s, target: { ...s.target, token: 'another' } }))).toEqual([]);
  });

  it('refuses every change that needs new flow calls, named as the suite file spells it, with why', () => {
    expect(changed((s) => ({ ...s, dataset: { ...s.dataset, limit: 5 } }))).toEqual([
      { key: 'dataset.limit', why: 'other rows or other inputs would be sent' },
    ]);
    expect(changed((s) => ({ ...s, target: { ...s.target, flowId: 'other' } })).map((r) => r.key)).toEqual(['target.flow_id']);
    expect(changed((s) => ({ ...s, mode: 'run' })).map((r) => r.key)).toEqual(['mode']);
    expect(changed((s) => ({ ...s, variants: s.variants.slice(0, 1) })).map((r) => r.key)).toEqual(['variants']);
    expect(changed((s) => ({ ...s, load: { ...s.load, concurrency: 2 } })).map((r) => r.key)).toEqual(['load.concurrency']);
    const both = changed((s) => ({ ...s, output: 'out-1', graders: [], stopOn: { errorRate: 0.5, after: 10 } }));
    expect(both.map((r) => r.key)).toEqual(['output', 'stop_on']);
    const { message, hint } = refusalMessage('reports/x', both);
    expect(message).toContain('cannot regrade reports/x');
    expect(message).toContain('output (another output key would be the answer)');
    expect(hint).toContain('flowbench run');
  });
});
