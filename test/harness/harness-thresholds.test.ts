// Thresholds on the harness metrics: parsed like any other, the run-level value for every variant,
// failing when the run was not watched; accepted by the suite loader and the JSON Schema.
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThreshold, THRESHOLD_METRICS, type ParsedThreshold } from '../../src/metrics/thresholds.js';
import type { VariantSummary } from '../../src/metrics/variant-stats.js';
import { suiteJsonSchema } from '../../src/schema/json-schema.js';
import { referenceMarkdown } from '../../src/schema/reference.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import { cleanFixtures, CSV, fixture } from '../suite/fixtures.js';
import { troubledHarness } from './fixtures.js';

afterAll(cleanFixtures);

const summary = { requests: 10, errors: 0, grades: { passRate: 1 } } as unknown as VariantSummary;
const parsed = (metric: string, expr: string) => parseThreshold(metric, expr) as ParsedThreshold;

describe('harness thresholds', () => {
  it('are threshold metrics and parse', () => {
    expect(THRESHOLD_METRICS).toEqual(expect.arrayContaining(['harness_stall_ms', 'harness_delay_p99_ms']));
    expect(parseThreshold('harness_stall_ms', '< 100')).toEqual({ metric: 'harness_stall_ms', op: '<', limit: 100 });
    expect(parseThreshold('harness_stall_p99_ms', '< 100')).toMatch(/unknown threshold metric.*harness_stall_ms/);
  });

  it('give every variant the run-level value', () => {
    const rules = [parsed('harness_stall_ms', '< 100'), parsed('harness_delay_p99_ms', '<= 20'), parsed('pass_rate', '>= 0.9')];
    const r = evaluateThresholds(
      rules,
      [
        { name: 'a', summary },
        { name: 'b', summary },
      ],
      troubledHarness(),
    );
    expect(r.map((t) => [t.variant, t.metric, t.actual, t.ok])).toEqual([
      ['a', 'harness_stall_ms', 312.4, false],
      ['a', 'harness_delay_p99_ms', 14.24, true],
      ['a', 'pass_rate', 1, true],
      ['b', 'harness_stall_ms', 312.4, false],
      ['b', 'harness_delay_p99_ms', 14.24, true],
      ['b', 'pass_rate', 1, true],
    ]);
  });

  it('fail as not measured when the run was not watched', () => {
    for (const h of [undefined, null]) {
      const [r] = evaluateThresholds([parsed('harness_stall_ms', '< 100')], [{ name: 'a', summary }], h);
      expect(r).toMatchObject({ actual: null, ok: false });
    }
  });

  it('the suite loader, the JSON Schema and the reference accept them', async () => {
    const dir = fixture({
      's.yaml':
        'name: s\ntarget: { flow_id: f1 }\ndataset: { path: d.csv, inputs: { in-0: "{{question}}" } }\nthresholds: { harness_stall_ms: "< 100", harness_delay_p99_ms: "< 10" }\n',
      'd.csv': CSV,
    });
    const s = await loadSuite(join(dir, 's.yaml'), { env: {} });
    expect(s.thresholds).toEqual({ harness_stall_ms: '< 100', harness_delay_p99_ms: '< 10' });
    const validate = new Ajv({ allowUnionTypes: true, strict: true }).compile(suiteJsonSchema());
    expect(
      validate({ name: 's', target: { flow_id: 'f' }, dataset: { path: 'd.csv', inputs: {} }, thresholds: { harness_stall_ms: '< 100' } }),
      JSON.stringify(validate.errors),
    ).toBe(true);
    expect(referenceMarkdown()).toContain('`harness_stall_ms` is the longest stall');
  });
});
