// Property tests of the suite loader (`flowbench validate`): random and mutated suite files end in ConfigError(s)
// that name a file and a line — never another throw, never a hang.
import fc from 'fast-check';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors, errorReport } from '../../src/errors/config-error.js';
import { validateSuiteFile } from '../../src/suite/load-suite.js';
import { mutate, mutation, randomYaml } from './suite-arbitraries.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ENV: NodeJS.ProcessEnv = { FUZZ_SET: '3', FUZZ_TOKEN: 'sk-fuzz-0123456789' };
/** Per input: longer is a hang. Generous for a busy CI machine; a good suite loads in tens of ms. */
const INPUT_LIMIT_MS = 1000;
/** FLOWBENCH_FUZZ_SCALE=50 for a long hunt: that many times the runs and the time budget. */
const SCALE = Number(process.env.FLOWBENCH_FUZZ_SCALE ?? 1);
/** Per property: fast-check stops starting new runs after this (the runs done so far must all pass). */
const PROPERTY_BUDGET_MS = 3000 * SCALE;

/** Errors about a whole file (it cannot be opened, it is too big): they name the file, which has no line to name. */
const UNOPENED = /not found|is a directory|not a file|not readable|cannot read|MB, over the/;

const MINIMAL = 'name: smoke\ntarget:\n  flow_id: f1\ndataset:\n  path: data/d.csv\n  inputs:\n    in-0: "{{question}}"\n';
/** Good suites of the kinds the loader's own tests use, besides the shipped ones. */
const TEST_SUITES = [
  MINIMAL,
  `${MINIMAL}  expected: "{{answer}}"\n  limit: 2\nmode: run\nvariants: [{ name: a, version: 1 }, { name: b, version: 2, verbose: true }]\ncompare: { baseline: a, fail_on: { pass_rate_drop: 0.05 }, alpha: 0.05 }\n`,
  `name: rows\ntarget: { flow_id: f1, simulator: { flows: fuzz.flows.yaml, seed: 7 }, headers: { X-Team: "{{q}}" } }\ndataset: { path: rows.jsonl, inputs: { in-0: "{{ q }} #{{row}}" } }\nload:\n  rate: 5\n  arrival: poisson\n  duration: 10s\n  warmup: 2s\n  concurrency: \${FUZZ_SET}\nthresholds: { latency_p95_ms: "< 2000", error_rate: "< 0.1" }\nstop_on: { error_rate: 0.5, after: 20 }\n`,
  `name: ramp\ntarget:\n  base_url: https://api.stack-ai.com/\n  org_id: o1\n  flow_id: f1\n  token: \${FUZZ_TOKEN}\ndataset: { path: arr.json }\nload:\n  stages:\n    - { concurrency: 1, to: 4, duration: 5s }\n    - { concurrency: 4, duration: 5s }\nmetadata:\n  fields: { tokens: total_tokens }\n  output_tokens: usage.completion_tokens\nfeedback: { post: true, when: fail, template: "{{reasons}}" }\ngraders:\n  - { type: contains, value: "{{q}}" }\n  - { type: regex, pattern: "^a", flags: i }\n  - { type: judge, flow_id: j, prompt: "Q: {{q}} A: {{output}}", score_path: $.score, max: 10 }\n`,
  `name: sweep\ntarget: { flow_id: f1 }\ndataset: { path: data/d.csv }\nload: { sweep: { from: 1, to: 8, steps: 3, duration: 5s, min_rate: 2 }, timeout: 1m30s, retries: 0 }\npass_score: 0.8\nmax_error_rate: 0.2\n`,
];

let root: string;
let suitesDir: string;
const bases: { name: string; text: string }[] = [];
const flowsBases: string[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flowbench-fuzz-suite-'));
  suitesDir = join(root, 'suites');
  // The shipped suites name ../datasets, graders/ and schemas/: copy them so the checks reach the dataset and the graders.
  cpSync(join(REPO, 'suites'), suitesDir, { recursive: true });
  cpSync(join(REPO, 'datasets'), join(root, 'datasets'), { recursive: true });
  mkdirSync(join(suitesDir, 'data'));
  writeFileSync(join(suitesDir, 'data/d.csv'), 'question,answer\n"Hi, there",hello\n');
  writeFileSync(join(suitesDir, 'rows.jsonl'), '{"q": "a"}\n{"q": "b"}\n');
  writeFileSync(join(suitesDir, 'arr.json'), '[{"q": "a"}, {"q": "b"}]\n');
  // Both shipped flows files (faults.flows.yaml uses anchors), each with the flow f1 the suite runs.
  const f1 = '  f1:\n    answers: echo\n    versions:\n      1: { quality: 1, ttft_ms: 1, tokens_per_s: 100 }\n';
  for (const name of ['demo.flows.yaml', 'faults.flows.yaml'])
    flowsBases.push(readFileSync(join(suitesDir, name), 'utf8').replace(/^flows:\n/m, `flows:\n${f1}`));
  writeFileSync(join(suitesDir, 'fuzz.flows.yaml'), flowsBases[0]!);
  for (const name of ['demo.yaml', 'orders.yaml']) bases.push({ name, text: readFileSync(join(suitesDir, name), 'utf8') });
  TEST_SUITES.forEach((text, i) => bases.push({ name: `test-${i}`, text }));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Rejects when `p` has not settled within `ms` (a loader stuck on I/O or a thread). */
function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: the loader did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Loads `file` as `flowbench validate` does: what it threw (null for a suite), and how long it took. */
async function timedLoad(file: string): Promise<{ thrown: unknown; ms: number }> {
  const started = performance.now();
  try {
    await bounded(validateSuiteFile(file, { env: ENV }), INPUT_LIMIT_MS * 5);
    return { thrown: null, ms: performance.now() - started };
  } catch (err) {
    return { thrown: err, ms: performance.now() - started };
  }
}

/**
 * The property: `file` loads, or is refused with ConfigError(s) each naming a file and a line (unless the file
 * could not be opened), printable as the CLI prints them; within the time limit. A slow load is timed again
 * before it fails (a busy machine's stall does not repeat, a hang does). A synchronous endless loop cannot be
 * interrupted in-process; anything short of one shows up as a slow input.
 */
async function checkLoad(file: string): Promise<void> {
  let { thrown, ms } = await timedLoad(file);
  if (thrown !== null && !(thrown instanceof ConfigError)) {
    throw new Error(`the loader threw something other than a ConfigError: ${(thrown as Error)?.stack ?? String(thrown)}`);
  }
  if (ms >= INPUT_LIMIT_MS) ms = Math.min(ms, (await timedLoad(file)).ms);
  expect(ms, 'load time (ms)').toBeLessThan(INPUT_LIMIT_MS);
  if (thrown === null) return;
  const errors = thrown instanceof ConfigErrors ? thrown.errors : [thrown as ConfigError];
  if (thrown instanceof ConfigErrors) expect(errors.length).toBeGreaterThan(1);
  for (const e of errors) {
    expect(e.file, `no file: ${e.message}`).toBeTypeOf('string');
    if (e.line === undefined) expect(e.message, `no line: ${e.format()}`).toMatch(UNOPENED);
    else expect(e.line, e.format()).toBeGreaterThanOrEqual(1);
    if (e.column !== undefined) expect(e.column, e.format()).toBeGreaterThanOrEqual(1);
  }
  expect(errorReport(thrown as ConfigError)).toMatch(/^flowbench: error: /);
}

const settings = (numRuns: number): fc.Parameters<unknown> => ({ numRuns: numRuns * SCALE, plugins: [fc.interruptAfterTimeLimit(PROPERTY_BUDGET_MS)] });

describe('suite loader properties', () => {
  it('the good suites load (the mutations start from suites that pass)', async () => {
    for (const { name, text } of bases) {
      const file = join(suitesDir, `base-${name}`);
      writeFileSync(file, text);
      await expect(validateSuiteFile(file, { env: ENV }), name).resolves.toBeTruthy();
    }
  });

  it('random YAML text, documents and bytes: a suite or located ConfigErrors, never another throw', async () => {
    const file = join(suitesDir, 'fuzz-random.yaml');
    await fc.assert(
      fc.asyncProperty(fc.oneof(randomYaml, fc.uint8Array({ maxLength: 300 })), async (input) => {
        writeFileSync(file, input);
        await checkLoad(file);
      }),
      settings(300),
    );
  });

  it('mutated good suites: a suite or located ConfigErrors, never another throw', async () => {
    const file = join(suitesDir, 'fuzz-mutated.yaml');
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, mutations) => {
        const base = bases[pick % bases.length]!;
        writeFileSync(file, mutations.reduce(mutate, base.text));
        await checkLoad(file);
      }),
      settings(300),
    );
  });

  // What these properties found, kept as plain cases: names every object inherits are not grader types or variables.
  it.each([
    ['graders:\n  - { type: constructor }\n', /unknown grader type "constructor"/, 9],
    ['graders:\n  - { type: not-toString, value: a }\n', /unknown grader type "not-toString"/, 9],
    ['feedback: { post: true, template: "{{constructor}} {{__proto__}}" }\n', /\{\{constructor\}\}, which is not a feedback variable/, 8],
  ])('found: %j is refused at its line', async (extra, message, line) => {
    const file = join(suitesDir, 'fuzz-found.yaml');
    writeFileSync(file, `${MINIMAL}${extra}`);
    await checkLoad(file);
    await expect(validateSuiteFile(file, { env: ENV })).rejects.toMatchObject({ message: expect.stringMatching(message), line });
  });

  it('a mutated simulator flows file named by the suite: located ConfigErrors, never another throw', async () => {
    const file = join(suitesDir, 'fuzz-flows-suite.yaml');
    writeFileSync(file, TEST_SUITES[2]!);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, mutations) => {
        writeFileSync(join(suitesDir, 'fuzz.flows.yaml'), mutations.reduce(mutate, flowsBases[pick % flowsBases.length]!));
        await checkLoad(file);
      }),
      settings(200),
    );
  });
});
