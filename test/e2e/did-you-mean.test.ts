// A typo gets the nearest right name, wherever it is: grader types and keys, modes, threshold metrics,
// gate names and dataset columns (issue 17, "validate"), each at its line, exit 2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const BASE = (extra: string) => `name: typo
target: { base_url: simulator, flow_id: echo-fast }
dataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }
${extra}
`;

const CASES: [string, string, RegExp][] = [
  ['grader type', 'graders: [{ type: contain, value: x }]', /did you mean contains\?/],
  ['grader key', 'graders: [{ type: contains, vaule: x }]', /did you mean value\?/],
  ['mode', 'mode: strem', /did you mean stream\?/],
  ['threshold metric', 'thresholds: { ttft_p95ms: "< 10" }', /did you mean ttft_p95_ms\?/],
  ['gate', 'variants: [{ name: a }, { name: b }]\ncompare: { baseline: a, fail_on: { pass_rate_drp: 0.02 } }', /did you mean pass_rate_drop\?/],
  ['dataset column', 'dataset: { path: rows.csv, inputs: { in-0: "{{questoin}}" } }', /did you mean \{\{question\}\}\?/],
];

describe('did you mean', () => {
  it.each(CASES)('%s', async (_what, extra, hint) => {
    const dir = tempDir('flowbench-typo-');
    writeFileSync(join(dir, 'rows.csv'), 'question,answer\nwhat?,that\n');
    const yaml = extra.startsWith('dataset:') ? BASE('').replace(/dataset: .*\n/, `${extra}\n`) : BASE(extra);
    writeFileSync(join(dir, 'suite.yaml'), yaml);
    const r = await runCli(['validate', join(dir, 'suite.yaml')]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:\d+/);
    expect(r.stderr).toMatch(hint);
  });
});
