// Bad input reaches the user as one clear message naming file and line, exit code 2, no stack trace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const GOOD = `name: t
target: { flow_id: support-bot }
dataset:
  path: rows.csv
  inputs:
    in-0: "{{question}}"
load:
  concurrency: 2
`;

const cases: Array<[string, string, RegExp]> = [
  ['unknown key', GOOD.replace('concurrency: 2', 'concurency: 2'), /suite\.yaml:8:\d+: .*concurency.*\n\s+fix: .*concurrency/],
  ['YAML syntax error', GOOD.replace('inputs:', 'inputs: [oops'), /suite\.yaml:\d+:\d+: /],
  ['missing dataset', GOOD.replace('rows.csv', 'nope.csv'), /suite\.yaml:4:\d+: .*nope\.csv/],
  ['unknown column', GOOD.replace('{{question}}', '{{questoin}}'), /suite\.yaml:6:\d+: .*questoin.*\n?.*question/],
  ['wrong type', GOOD.replace('concurrency: 2', 'concurrency: many'), /suite\.yaml:8:\d+: .*concurrency/],
  ['run_draft in run mode', `${GOOD}mode: run\nvariants: [{ name: d, run_draft: true }]\n`, /suite\.yaml:10:\d+: .*run_draft.*stream/],
  ['bad threshold', `${GOOD}thresholds: { ttft_p95: "< 1" }\n`, /suite\.yaml:9:\d+: .*ttft_p95.*valid:/],
  ['invalid regex', `${GOOD}graders: [{ type: regex, pattern: "(" }]\n`, /suite\.yaml:9:\d+: .*invalid regular expression/],
  ['invalid JSON schema', `${GOOD}graders:\n  - type: json-schema\n    schema: { type: objekt }\n`, /suite\.yaml:11:\d+: .*invalid JSON Schema/],
  ['missing schema file', `${GOOD}graders:\n  - { type: json-schema, schema: nope.json }\n`, /suite\.yaml:10:\d+: .*schema file not found.*nope\.json/],
  ['invalid json-path', `${GOOD}graders:\n  - { type: not-json-path, path: "a..b" }\n`, /suite\.yaml:10:\d+: .*invalid JSON path/],
  ['missing script', `${GOOD}graders:\n  - { type: script, path: graders/x.mjs }\n`, /suite\.yaml:10:\d+: .*script not found/],
  ['unknown grader key', `${GOOD}graders:\n  - { type: similarity, treshold: 0.5 }\n`, /suite\.yaml:10:\d+: .*unknown key "treshold".*\n.*threshold/],
  [
    'grader template names an unknown column',
    `${GOOD}graders:\n  - { type: contains-all, values: "{{keywords}}" }\n`,
    /suite\.yaml:10:\d+: .*'keywords'.*\n.*\{\{question\}\}/,
  ],
  ['similarity without an expected answer', `${GOOD}graders:\n  - { type: similarity }\n`, /suite\.yaml:10:\d+: .*\{\{expected\}\} has no source/],
  ['pass_score above 1', `${GOOD}pass_score: 80\n`, /suite\.yaml:9:\d+: .*pass_score must be from 0 to 1/],
  ['unknown feedback variable', `${GOOD}feedback: { post: true, template: "{{verdikt}}" }\n`, /suite\.yaml:9:\d+: .*\{\{verdikt\}\}.*\n.*\{\{verdict\}\}/],
];

describe('bad input: exit 2, file and line, no stack trace', () => {
  it.each(cases)('%s', async (_name, yaml, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), 'question,answer\nhi,hello\n');
    writeFileSync(join(dir, 'suite.yaml'), yaml);
    for (const cmd of ['validate', 'run']) {
      const r = await runCli([cmd, join(dir, 'suite.yaml'), '--no-progress'].slice(0, cmd === 'run' ? 3 : 2));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^flowbench: error: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('a missing suite file and a bad flag', async () => {
    const r = await runCli(['run', 'missing.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.yaml.*not found/);
    const f = await runCli(['run', 'suites/demo.yaml', '--concurrency', 'x']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--concurrency/);
  });

  it('a CSV with a ragged row names the dataset file and line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), 'question,answer\nhi,hello\nbad,row,extra\n');
    writeFileSync(join(dir, 'suite.yaml'), GOOD);
    const r = await runCli(['run', join(dir, 'suite.yaml'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rows\.csv:3/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
