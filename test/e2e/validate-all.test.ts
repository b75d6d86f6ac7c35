// `flowbench validate` makes every check `run` makes before sending, and reports every mistake of a suite
// in one pass, each at its line with its fix (issue 17, "validate"); `run` refuses the same way.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/** A folder holding suite.yaml and its files; the CLI runs in it, so messages name suite.yaml as typed. */
function folder(suite: string, files: Record<string, string> = { 'rows.csv': 'question,answer\nwhat?,that\n' }): string {
  const dir = tempDir('flowbench-validate-');
  writeFileSync(join(dir, 'suite.yaml'), suite);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const validate = (dir: string) => runCli(['validate', 'suite.yaml'], { cwd: dir });
const run = (dir: string, ...flags: string[]) => runCli(['run', 'suite.yaml', '--no-progress', '--out', 'out', ...flags], { cwd: dir });

const SEVEN = `name: all-at-once
target: { base_url: simulator, flow_id: echo-fast }
dataset:
  path: rows.csv
  inputs:
    in-0: "{{questoin}}"
mode: strem
variants:
  - { name: published, version: -1 }
  - { name: candidate, version: 2 }
load:
  concurency: 2
graders:
  - { type: contain, value: x }
thresholds:
  ttft_p95ms: "< 1500"
compare:
  baseline: publishd
  fail_on: { pass_rate_drp: 0.02 }
`;

/** Each mistake of SEVEN: where it is, and what its message and fix say. */
const MISTAKES: [string, RegExp][] = [
  ['6:11', /template names column 'questoin'.*\n {2}fix: did you mean \{\{question\}\}\?/],
  ['7:7', /mode must be one of run \| stream \| sso-stream, got "strem"\n {2}fix: did you mean stream\?/],
  ['12:3', /unknown key 'concurency' in load\n {2}fix: did you mean 'concurrency'\?/],
  ['14:7', /graders\[0\] \(contain\): unknown grader type "contain"\n {2}fix: did you mean contains\?/],
  ['16:3', /thresholds\.ttft_p95ms: unknown threshold metric "ttft_p95ms" \(did you mean ttft_p95_ms\?\).*\n {2}fix: /],
  ['18:13', /compare\.baseline 'publishd' is not a variant\n {2}fix: did you mean published\? name one of the variants: published, candidate/],
  ['19:14', /compare\.fail_on: unknown gate "pass_rate_drp".*\n {2}fix: did you mean pass_rate_drop\?/],
];

describe('validate reports every mistake of a suite in one pass', () => {
  it('seven distinct mistakes: all seven, in file order, each with file:line:column and a fix; exit 2; run says the same', async () => {
    const dir = folder(SEVEN);
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const entries = r.stderr.split(/(?=^flowbench: )/m);
    expect(entries).toHaveLength(MISTAKES.length + 1);
    MISTAKES.forEach(([at, text], i) => {
      expect(entries[i]).toMatch(new RegExp(`^flowbench: error: suite\\.yaml:${at}: `));
      expect(entries[i]).toMatch(text);
    });
    expect(entries.at(-1)).toBe('flowbench: 7 errors in suite.yaml\n');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const ran = await run(dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(r.stderr);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('one mistake is printed as it always was: no count line', async () => {
    const r = await validate(folder(`${SEVEN.split('mode: strem')[0]!.replace('{{questoin}}', '{{question}}')}load: { concurency: 2 }\n`));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^flowbench: error: suite\.yaml:7:9: unknown key 'concurency' in load\n {2}fix: did you mean 'concurrency'\? \(known keys here: .*\)\n$/,
    );
  });
});

describe('validate refuses what run refuses', () => {
  const GOOD = (path: string) => `name: data
target: { base_url: simulator, flow_id: echo-fast }
dataset: { path: ${path}, inputs: { in-0: "{{question}}" } }
`;

  it('a JSON dataset cut short after good first rows: the file and the line where it ends, exit 2, from validate and run alike', async () => {
    const dir = folder(GOOD('rows.json'), { 'rows.json': '[\n  {"question": "a"},\n  {"question": "b"},\n  {"question": "c' });
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^flowbench: error: rows\.json:4: JSON: the array is never closed .*\n {2}fix: /);
    const ran = await run(dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(r.stderr);
  });

  it('a CSV row past the first with too many fields', async () => {
    const r = await validate(folder(GOOD('rows.csv'), { 'rows.csv': 'question,answer\nhi,hello\nbad,row,extra\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^flowbench: error: rows\.csv:3: /);
  });

  it('a ttft_p95_ms threshold in mode: run could never pass: validate and run refuse it alike, at its line', async () => {
    const dir = folder(`${GOOD('rows.csv')}mode: run\nthresholds:\n  ttft_p95_ms: "< 1500"\n`);
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'flowbench: error: suite.yaml:6:3: thresholds.ttft_p95_ms: mode: run does not measure TTFT (the answer arrives whole, not streamed), so this threshold would fail every run\n' +
        '  fix: use mode: stream (or sso-stream), or hold latency instead (e.g. latency_p95_ms)\n',
    );
    const ran = await run(dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(r.stderr);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('--mode run on a stream suite with a TTFT threshold, gate and grader: each refused, naming the flag', async () => {
    const dir = folder(`${GOOD('rows.csv')}variants: [{ name: a }, { name: b }]
graders: [{ type: ttft, max: 700ms }]
thresholds: { ttft_p95_ms: "< 1500" }
compare: { baseline: a, fail_on: { ttft_p95_increase: 10% } }
`);
    const ran = await run(dir, '--mode', 'run');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/suite\.yaml:5:\d+: graders\[0\] \(ttft\): --mode run does not measure TTFT/);
    expect(ran.stderr).toMatch(/suite\.yaml:6:\d+: thresholds\.ttft_p95_ms: --mode run does not measure TTFT/);
    expect(ran.stderr).toMatch(/suite\.yaml:7:\d+: compare\.fail_on: gate "ttft_p95_increase": --mode run does not measure TTFT.*could never fire/);
    expect(ran.stderr).toMatch(/fix: use mode: stream \(or sso-stream\) and drop --mode run/);
    expect(ran.stderr).toMatch(/flowbench: 3 errors in suite\.yaml\n$/);
    expect((await validate(dir)).code).toBe(0); // the suite itself streams
  });

  it('a script grader whose module throws or lacks its function is refused by validate, at its line; a good one passes', async () => {
    const files = {
      'rows.csv': 'question\nhi\n',
      'good.mjs': 'export function grade({ output }) { return output.length > 0; }\n',
      'throws.mjs': 'throw new Error("broken grader module");\n',
      'nofn.mjs': 'export const x = 1;\n',
    };
    const ok = await validate(folder(`${GOOD('rows.csv')}graders: [{ type: script, path: good.mjs }]\n`, files));
    expect(ok.code, ok.stderr).toBe(0);
    const r = await validate(folder(`${GOOD('rows.csv')}graders:\n  - { type: script, path: throws.mjs }\n  - { type: script, path: nofn.mjs }\n`, files));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:5:\d+: graders\[0\] \(script\): script throws\.mjs could not be loaded: broken grader module\n {2}fix: /);
    expect(r.stderr).toMatch(/suite\.yaml:6:\d+: graders\[1\] \(script\): nofn\.mjs exports no function grade/);
  });

  it('--variant with a typo gets the nearest variant name', async () => {
    const ran = await run(folder(`${GOOD('rows.csv')}variants: [{ name: published }, { name: candidate }]\n`), '--variant', 'candidat');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/--variant candidat: the suite has no variant of that name\n {2}fix: did you mean candidate\? use one of: published, candidate/);
  });
});
