import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from '../../src/errors/config-error.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import type { SuiteOverrides } from '../../src/suite/types.js';
import { cleanFixtures, CSV, fixture } from './fixtures.js';

afterAll(cleanFixtures);

const MINIMAL = `name: smoke
target:
  flow_id: f1
dataset:
  path: data/d.csv
  inputs:
    in-0: "{{question}}"
`;

async function load(yaml: string, opts: { env?: NodeJS.ProcessEnv | undefined; overrides?: SuiteOverrides | undefined; files?: Record<string, string> } = {}) {
  const dir = fixture({ 'suites/s.yaml': yaml, 'suites/data/d.csv': CSV, ...(opts.files ?? {}) });
  const file = join(dir, 'suites/s.yaml');
  return { file, dir, suite: () => loadSuite(file, { env: opts.env ?? {}, ...(opts.overrides && { overrides: opts.overrides }) }) };
}

describe('loadSuite: good suites', () => {
  it('fills every default', async () => {
    const { dir, suite } = await load(MINIMAL);
    const s = await suite();
    expect(s).toEqual({
      file: join(dir, 'suites/s.yaml'),
      dir: join(dir, 'suites'),
      name: 'smoke',
      target: { baseUrl: 'simulator', orgId: 'demo', flowId: 'f1', token: '', headers: {}, simulator: { flows: null, seed: 42 } },
      dataset: { path: join(dir, 'suites/data/d.csv'), format: 'csv', inputs: { 'in-0': '{{question}}' }, expected: null, limit: null },
      mode: 'stream',
      stream: { sse: false, delta: true, prefix: false },
      output: 'out-0',
      variants: [{ name: 'published', version: -1, runDraft: false }],
      repeat: 1,
      load: {
        kind: 'closed-loop',
        concurrency: 4,
        iterations: 1,
        durationMs: null,
        timeoutMs: 60_000,
        retries: 2,
        arrival: 'constant',
        requests: null,
        warmup: null,
        graceMs: 5000,
        stallMs: 20,
        seed: 1,
        connectTimeoutMs: 10_000,
        firstByteTimeoutMs: 30_000,
        idleTimeoutMs: 30_000,
        retryPartial: false,
      },
      metadata: { fetch: false, fields: {}, outputTokens: null, inputTokens: null },
      graders: [],
      passScore: null,
      maxErrorRate: 0.5,
      stopOn: null,
      feedback: { post: false, when: 'always', template: null },
      thresholds: {},
      compare: null,
      report: { dir: 'reports/{{name}}-{{timestamp}}', checkpointMs: 60000 },
    });
  });

  const cases: {
    name: string;
    yaml: string;
    env?: NodeJS.ProcessEnv;
    overrides?: SuiteOverrides;
    check: (s: Awaited<ReturnType<typeof loadSuite>>, dir: string) => void;
  }[] = [
    {
      name: 'env expansion with and without default, numbers re-read',
      yaml: `${MINIMAL}load:\n  concurrency: \${CONC:-8}\n  rate: "\${RATE}"\n  iterations: \${ITER:-}\noutput: \${OUT:-answer}\nstream: { sse: "\${SSE:-true}" }\n`,
      env: { RATE: '2.5' },
      check: (s) => {
        expect(s.load).toMatchObject({ kind: 'open-loop', concurrency: 8, rate: 2.5, iterations: 1 });
        expect(s.stream.sse).toBe(true);
        expect(s.output).toBe('answer');
      },
    },
    {
      name: 'an env value wins over the default; text stays text; blank means unset except for text; $${ is literal',
      yaml: `${MINIMAL.replace('f1', '${FLOW:-x}').replace('"{{question}}"', '"{{question}}"\n    user: "${USER_ID:-}"')}  limit: \${LIMIT:-}\nreport: { dir: "out/$\${name}" }\nmetadata: "\${META:-}"\n`,
      env: { FLOW: '00123' },
      check: (s) => {
        expect(s.target.flowId).toBe('00123');
        expect(s.dataset.inputs).toEqual({ 'in-0': '{{question}}', user: '' });
        expect(s.dataset.limit).toBeNull();
        expect(s.metadata.fetch).toBe(false);
        expect(s.report.dir).toBe('out/${name}');
      },
    },
    {
      name: 'real target with token from STACKAI_API_KEY; trailing slash dropped',
      yaml: MINIMAL.replace('  flow_id: f1', '  base_url: https://api.stack-ai.com/\n  org_id: o1\n  flow_id: f1'),
      env: { STACKAI_API_KEY: 'sk-test-key' },
      check: (s) => expect(s.target).toMatchObject({ baseUrl: 'https://api.stack-ai.com', orgId: 'o1', token: 'sk-test-key' }),
    },
    {
      name: 'a short token is fine for the embedded simulator (it takes any)',
      yaml: MINIMAL.replace('  flow_id: f1', '  flow_id: f1\n  token: k'),
      check: (s) => expect(s.target.token).toBe('k'),
    },
    {
      name: 'durations, variants, metadata fields, feedback, compare, thresholds',
      yaml: `${MINIMAL}  expected: "{{answer}}"
  limit: 5
load: { duration: 1m30s, timeout: 500ms, retries: 0 }
variants:
  - { name: v7, version: 7 }
  - { name: draft, run_draft: true }
  - { name: bare }
metadata: { fields: { tokens: total_tokens } }
feedback: { post: true, when: fail, template: "score {{score}}" }
compare: { baseline: v7, fail_on: { pass_rate_drop: 0.02, ttft_p95_increase: 10% } }
thresholds: { pass_rate: ">= 0.9", error_rate: "< 0.01" }
graders:
  - { type: contains, value: "{{expected}}" }
target: { flow_id: f1, simulator: { flows: ../flows.yaml, seed: 7 } }
`.replace('target:\n  flow_id: f1\n', ''),
      check: (s, dir) => {
        expect(s.load).toMatchObject({ durationMs: 90_000, timeoutMs: 500, retries: 0 });
        expect(s.variants).toEqual([
          { name: 'v7', version: 7, runDraft: false },
          { name: 'draft', version: null, runDraft: true },
          { name: 'bare', version: null, runDraft: false },
        ]);
        expect(s.metadata).toEqual({ fetch: true, fields: { tokens: 'total_tokens' }, outputTokens: null, inputTokens: null });
        expect(s.feedback).toEqual({ post: true, when: 'fail', template: 'score {{score}}' });
        expect(s.compare).toEqual({ baseline: 'v7', failOn: { pass_rate_drop: 0.02, ttft_p95_increase: '10%' }, alpha: 0.05 });
        expect(s.thresholds).toEqual({ pass_rate: '>= 0.9', error_rate: '< 0.01' });
        expect(s.dataset).toMatchObject({ expected: '{{answer}}', limit: 5 });
        expect(s.target.simulator).toEqual({ flows: join(dir, 'flows.yaml'), seed: 7 });
      },
    },
    {
      name: 'metadata token paths: where the server reports usage',
      yaml: `${MINIMAL}metadata:\n  output_tokens: usage.completion_tokens\n  input_tokens: llm_usage.0.input_tokens\n`,
      check: (s) => expect(s.metadata).toEqual({ fetch: true, fields: {}, outputTokens: 'usage.completion_tokens', inputTokens: 'llm_usage.0.input_tokens' }),
    },
    {
      name: 'overrides replace suite values and filter variants',
      yaml: `${MINIMAL}variants: [{ name: a, version: 1 }, { name: b, version: 2 }, { name: c }]\n`,
      overrides: { concurrency: 16, rate: 3, duration: '2m', limit: 10, out: 'x/y', variants: ['c', 'a'], mode: 'run' },
      check: (s) => {
        expect(s.load).toMatchObject({ concurrency: 16, rate: 3, durationMs: 120_000 });
        expect(s.dataset.limit).toBe(10);
        expect(s.report.dir).toBe('x/y');
        expect(s.variants.map((v) => v.name)).toEqual(['a', 'c']);
        expect(s.mode).toBe('run');
      },
    },
    {
      name: 'JSON Lines dataset: templates checked against the first record, {{row}} is not a column',
      yaml: MINIMAL.replace('data/d.csv', 'rows.jsonl').replace('"{{question}}"', '"{{ q }} #{{row}}"'),
      check: (s) => expect(s.dataset.format).toBe('jsonl'),
    },
  ];
  it.each(cases)('$name', async ({ yaml, env, overrides, check }) => {
    // flows.yaml: the loader reads target.simulator.flows, as the embedded simulator would.
    const flows = 'flows:\n  f1:\n    answers: echo\n    versions:\n      1: { quality: 1, ttft_ms: 1, tokens_per_s: 100 }\n';
    const { dir, suite } = await load(yaml, { env, overrides, files: { 'suites/rows.jsonl': '{"q": 1}\n', 'flows.yaml': flows } });
    check(await suite(), dir);
  });
});

interface Bad {
  name: string;
  yaml: string;
  env?: NodeJS.ProcessEnv;
  overrides?: SuiteOverrides;
  /** Expected line in the suite file; null = no line (command-line flags). */
  line: number | null;
  /** False for flag errors that name no file. */
  file?: false;
  message: RegExp;
  hint: RegExp;
}

const bad: Bad[] = [
  { name: 'YAML syntax error', yaml: 'name: x\ntarget:\n  flow_id: [f1\n', line: 4, message: /YAML syntax error/, hint: /indentation/ },
  { name: 'duplicate key', yaml: `${MINIMAL}name: again\n`, line: 8, message: /YAML syntax error.*unique/i, hint: /fix the YAML/ },
  { name: 'empty file', yaml: '', line: 1, message: /empty/, hint: /demo\.yaml/ },
  {
    name: 'unknown key with suggestion',
    yaml: `${MINIMAL}load:\n  concurency: 4\n`,
    line: 9,
    message: /unknown key 'concurency' in load/,
    hint: /did you mean 'concurrency'/,
  },
  {
    name: 'unknown top-level key',
    yaml: `${MINIMAL}varaints: []\n`,
    line: 8,
    message: /unknown key 'varaints' at the top level/,
    hint: /did you mean 'variants'/,
  },
  {
    name: 'unknown key in a variant',
    yaml: `${MINIMAL}variants:\n  - { name: a, versoin: 3 }\n`,
    line: 9,
    message: /unknown key 'versoin' in variants\[0\]/,
    hint: /'version'/,
  },
  {
    name: 'missing required key',
    yaml: 'name: x\ntarget:\n  org_id: o\ndataset: { path: data/d.csv }\n',
    line: 2,
    message: /missing required key 'flow_id' in target/,
    hint: /target\.flow_id/,
  },
  {
    name: 'concurrency 0',
    yaml: `${MINIMAL}load:\n  concurrency: 0\n`,
    line: 9,
    message: /load\.concurrency must be an integer >= 1, got 0/,
    hint: /integer >= 1/,
  },
  {
    name: 'concurrency as text',
    yaml: `${MINIMAL}load:\n  concurrency: lots\n`,
    line: 9,
    message: /load\.concurrency must be an integer >= 1, got "lots"/,
    hint: /concurrency/,
  },
  { name: 'bad mode', yaml: `${MINIMAL}mode: batch\n`, line: 8, message: /mode must be one of run \| stream \| sso-stream/, hint: /one of/ },
  { name: 'bad duration', yaml: `${MINIMAL}load: { timeout: 10 minutes }\n`, line: 8, message: /load\.timeout must be a duration like 60s/, hint: /500ms/ },
  { name: 'zero duration', yaml: `${MINIMAL}load:\n  duration: 0s\n`, line: 9, message: /load\.duration must be a duration/, hint: /duration/ },
  { name: 'rate must be > 0', yaml: `${MINIMAL}load:\n  rate: -1\n`, line: 9, message: /load\.rate must be a number > 0/, hint: /number > 0/ },
  {
    name: 'grader without type',
    yaml: `${MINIMAL}graders:\n  - { value: x }\n`,
    line: 9,
    message: /missing required key 'type' in graders\[0\]/,
    hint: /graders\[0\]\.type/,
  },
  {
    name: 'grader spec refused by the registry',
    yaml: `${MINIMAL}graders:\n  - type: contains\n    value: x\n  - type: regex\n    pattern: a\n    flagz: i\n`,
    line: 13,
    message: /graders\[1\] \(regex\).*flagz/,
    hint: /keys for regex/,
  },
  {
    name: 'unset env var',
    yaml: MINIMAL.replace('f1', '${FLOW_ID}'),
    line: 3,
    message: /environment variable FLOW_ID is not set \(used by target\.flow_id\)/,
    hint: /export FLOW_ID=.*\$\{FLOW_ID:-value\}/,
  },
  { name: 'dataset with unknown extension', yaml: MINIMAL.replace('data/d.csv', 'data/d.xlsx'), line: 5, message: /\.csv, \.jsonl or \.json/, hint: /convert/ },
  {
    name: 'missing dataset',
    yaml: MINIMAL.replace('data/d.csv', 'data/nope.csv'),
    line: 5,
    message: /dataset not found: .*suites\/data\/nope\.csv/,
    hint: /relative to the folder of the suite/,
  },
  {
    name: 'unknown template column',
    yaml: MINIMAL.replace('{{question}}', 'Q: {{questoin}}'),
    line: 7,
    message: /column 'questoin'.*dataset\.inputs\.in-0/,
    hint: /columns in .*d\.csv: question, answer/,
  },
  { name: 'unknown column in expected', yaml: `${MINIMAL}  expected: "{{gold}}"\n`, line: 8, message: /column 'gold'/, hint: /question, answer/ },
  {
    name: '{{expected}} without a source',
    yaml: MINIMAL.replace('{{question}}', '{{expected}}'),
    line: 7,
    message: /\{\{expected\}\} has no source/,
    hint: /question, answer/,
  },
  {
    name: 'run_draft in run mode',
    yaml: `${MINIMAL}mode: run\nvariants:\n  - { name: pub, version: -1 }\n  - name: draft\n    run_draft: true\n`,
    line: 12,
    message: /variant 'draft' sets run_draft.*only on the stream endpoints/,
    hint: /mode: stream/,
  },
  {
    name: 'run_draft made invalid by --mode run',
    yaml: `${MINIMAL}variants:\n  - { name: draft, run_draft: true }\n`,
    overrides: { mode: 'run' },
    line: 9,
    message: /--mode run cannot run a draft/,
    hint: /drop --mode run/,
  },
  {
    name: 'duplicate variant name',
    yaml: `${MINIMAL}variants:\n  - { name: a }\n  - { name: a, version: 2 }\n`,
    line: 10,
    message: /variant name 'a' is used twice/,
    hint: /distinct/,
  },
  {
    name: 'compare baseline not a variant',
    yaml: `${MINIMAL}compare: { baseline: main }\n`,
    line: 8,
    message: /compare\.baseline 'main' is not a variant/,
    hint: /published/,
  },
  {
    name: 'unknown --variant',
    yaml: `${MINIMAL}variants: [{ name: a }, { name: b }]\n`,
    overrides: { variants: ['c'] },
    line: null,
    message: /--variant c: the suite has no variant/,
    hint: /use one of: a, b/,
  },
  {
    name: 'bad --concurrency',
    yaml: MINIMAL,
    overrides: { concurrency: 0 },
    line: null,
    file: false,
    message: /--concurrency must be an integer >= 1/,
    hint: /--concurrency/,
  },
  {
    name: 'bad --duration',
    yaml: MINIMAL,
    overrides: { duration: 'soon' },
    line: null,
    file: false,
    message: /--duration must be a duration/,
    hint: /--duration/,
  },
  {
    name: 'non-http base_url',
    yaml: MINIMAL.replace('  flow_id: f1', '  base_url: ftp://x\n  org_id: o\n  flow_id: f1'),
    env: { STACKAI_API_KEY: 'sk-test-key' },
    line: 3,
    message: /must be "simulator" or an http\(s\) URL/,
    hint: /https:\/\/api\.stack-ai\.com/,
  },
  {
    name: 'real base_url without token',
    yaml: MINIMAL.replace('  flow_id: f1', '  base_url: https://api.stack-ai.com\n  org_id: o\n  flow_id: f1\n  token: ${STACKAI_API_KEY:-}'),
    line: 6,
    message: /no API token for https:\/\/api\.stack-ai\.com/,
    hint: /set STACKAI_API_KEY/,
  },
  {
    name: 'short token for a real target',
    yaml: MINIMAL.replace('  flow_id: f1', '  base_url: https://api.stack-ai.com\n  org_id: o\n  flow_id: f1\n  token: abc1234'),
    line: 6,
    message: /^target\.token is 7 characters long: too short to be an API key/,
    hint: /8 characters or more/,
  },
  {
    name: 'short STACKAI_API_KEY for a real target',
    yaml: MINIMAL.replace('  flow_id: f1', '  base_url: https://api.stack-ai.com\n  org_id: o\n  flow_id: f1'),
    env: { STACKAI_API_KEY: 'k' },
    line: 3,
    message: /^STACKAI_API_KEY is 1 character long/,
    hint: /8 characters or more/,
  },
  {
    name: 'base_url credentials cut from its error',
    yaml: MINIMAL.replace('  flow_id: f1', '  base_url: ftp://bob:pw-secret@x/?key=k-secret\n  org_id: o\n  flow_id: f1'),
    env: { STACKAI_API_KEY: 'sk-test-key' },
    line: 3,
    message: /^(?!.*secret).*got "ftp:\/\/\*\*\*@x\/\?key=\*\*\*"$/,
    hint: /https/,
  },
  {
    name: '--base-url without token or org',
    yaml: MINIMAL,
    overrides: { baseUrl: 'https://api.stack-ai.com' },
    line: 2,
    message: /org_id is required/,
    hint: /STACKAI_ORG_ID/,
  },
  { name: 'wrong section type', yaml: `${MINIMAL}stream: yes\n`, line: 8, message: /stream must be a mapping/, hint: /mapping/ },
  {
    name: 'metadata token path misspelt',
    yaml: `${MINIMAL}metadata:\n  output_token: usage.completion_tokens\n`,
    line: 9,
    message: /unknown key 'output_token' in metadata/,
    hint: /did you mean 'output_tokens'/,
  },
  {
    name: 'metadata token path not text',
    yaml: `${MINIMAL}metadata:\n  input_tokens: [usage]\n`,
    line: 9,
    message: /metadata\.input_tokens must be a non-empty string, got a list/,
    hint: /non-empty string/,
  },
  {
    name: 'metadata token path with an empty step',
    yaml: `${MINIMAL}metadata:\n  fields: {}\n  output_tokens: usage..completion_tokens\n`,
    line: 10,
    message: /metadata\.output_tokens: 'usage\.\.completion_tokens' has an empty step/,
    hint: /usage\.completion_tokens/,
  },
  {
    name: 'metadata neither bool nor object',
    yaml: `${MINIMAL}metadata: [a]\n`,
    line: 8,
    message: /metadata must be true or false, or a mapping/,
    hint: /true or false/,
  },
];

describe('loadSuite: bad suites', () => {
  it.each(bad)('$name', async ({ yaml, env, overrides, line, message, hint, file: named }) => {
    const { file, suite } = await load(yaml, { env, overrides });
    const err = await suite().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.file).toBe(named === false ? undefined : file);
    expect(e.line ?? null).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.hint ?? '').toMatch(hint);
    const text = e.format();
    const prefix = named === false ? '--' : line === null ? `${file}: ` : `${file}:${line}:`;
    expect(text.startsWith(prefix)).toBe(true);
    expect(text).toContain('\n  fix: ');
  });

  it('missing suite file names the path and what to do', async () => {
    const err = (await loadSuite('/nonexistent/flowbench/s.yaml', { env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.format()).toMatch(/^\/nonexistent\/flowbench\/s\.yaml: suite file not found: \/nonexistent\/flowbench\/s\.yaml\n {2}fix: /);
  });

  it('an error inside the dataset names the dataset file and its line', async () => {
    const { suite } = await load(MINIMAL, { files: { 'suites/data/d.csv': 'question,question\n' } });
    const err = (await suite().catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.format()).toMatch(/d\.csv:1: CSV header: column name 'question' appears twice/);
  });

  it('names the column of the offending value', async () => {
    const { suite } = await load(`${MINIMAL}load: { retries: -1 }\n`);
    const err = (await suite().catch((e: unknown) => e)) as ConfigError;
    expect(err.line).toBe(8);
    expect(err.column).toBe(18);
  });
});

describe('loadSuite: every mistake in one pass', () => {
  const errorsOf = async (yaml: string) => {
    const { suite } = await load(yaml);
    return (await suite().catch((e: unknown) => e)) as ConfigError;
  };

  it('several mistakes: one ConfigErrors, each entry at its own line, in file order', async () => {
    const err = await errorsOf(`${MINIMAL.replace('{{question}}', '{{questoin}}')}mode: strem
load:
  concurency: 2
compare: { baseline: publishd }
`);
    expect(err).toBeInstanceOf(ConfigErrors);
    const all = (err as ConfigErrors).errors;
    expect(all.map((e) => e.line)).toEqual([7, 8, 10, 11]);
    expect(all.map((e) => e.hint)).toEqual([
      expect.stringMatching(/\{\{question\}\}/),
      'did you mean stream?',
      expect.stringMatching(/'concurrency'/),
      expect.stringMatching(/did you mean published\?/),
    ]);
    expect(err.line).toBe(7); // located at the first
    expect(err.format()).toBe(all.map((e) => e.format()).join('\n'));
  });

  it('one mistake is reported once, not again as what it left missing', async () => {
    // A section of the wrong shape: not also "missing required key 'flow_id'"; an unset token: not also "no API token".
    expect((await errorsOf(MINIMAL.replace('target:\n  flow_id: f1', 'target: simulator'))).message).toMatch(/^target must be a mapping/);
    const { suite } = await load(MINIMAL.replace('  flow_id: f1', '  base_url: https://api.stack-ai.com\n  org_id: o\n  flow_id: f1\n  token: ${KEY}'));
    const err = (await suite().catch((e: unknown) => e)) as ConfigError;
    expect(err).not.toBeInstanceOf(ConfigErrors);
    expect(err.message).toMatch(/environment variable KEY is not set/);
  });

  it("stops after the schema walk when a required key is missing: the walk's errors only", async () => {
    const err = (await errorsOf('target: { flow_id: f }\ndataset: { path: data/d.csv, inputs: { in-0: "{{nope}}" } }\nmode: strem\n')) as ConfigErrors;
    expect(err.errors.map((e) => e.message)).toEqual([expect.stringMatching(/missing required key 'name'/), expect.stringMatching(/mode must be one of/)]);
  });
});
