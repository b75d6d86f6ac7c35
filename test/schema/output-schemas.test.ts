// schema/report.schema.json and schema/result.schema.json: generated from the Report and ResultRecord
// types (fails when a committed file is stale), and met by what flowbench writes. test/helpers/cli.ts
// checks every CLI call of the suite; here representative runs are checked explicitly, and the schemas
// are shown to refuse what breaks the contract.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, readJson, readJsonl, runCli, tempDir } from '../helpers/cli.js';

import { checkOutputs, outputDirsOf, reportProblems, resultProblems } from './output-validator.js';

const FLOWS = join(ROOT, 'test/shard/shard.flows.yaml');
let dir: string;

/** A suite over the shard flows (flow errors, 500s and 429s in some variants), graded, gated, compared. */
function suite(name: string, load: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
target: { flow_id: shard-bot, simulator: { flows: ${JSON.stringify(FLOWS)}, seed: 7 } }
dataset:
  path: ${join(ROOT, 'datasets/support.csv')}
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
variants:
  - { name: published, version: -1 }
  - { name: v1, version: 1 }
  - { name: draft, run_draft: true }
load: ${load}
graders: [{ type: contains, value: "{{expected}}" }, { type: latency, max: 5s }]
thresholds: { error_rate: "< 0.5", latency_p95_ms: "< 10000" }
compare: { baseline: published }
`,
  );
  return file;
}

/** Every output file of `out` is valid, and there were some. */
function expectValid(out: string) {
  const checked = checkOutputs(out);
  expect(checked.problems).toEqual([]);
  expect(checked.reports).toBe(1);
  expect(checked.lines).toBe(readJsonl(join(out, 'results.jsonl')).length);
  expect(checked.lines).toBeGreaterThan(0);
}

beforeAll(() => {
  dir = tempDir('flowbench-schemas-');
});

/**
 * The generated schema texts. Generating them type-walks every source (~4.5 s of CPU), so they are kept
 * under node_modules/.cache, named by a hash of everything they are generated from: every file under
 * src/, tsconfig.json, the script, and the generator's and TypeScript's versions. Any change to one of
 * those generates them again; the committed files are compared with them every time.
 */
async function generatedTexts(): Promise<{ files: string[]; texts: Map<string, string> }> {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  for (const dep of ['ts-json-schema-generator', 'typescript']) hash.update(`${dep}@${(require(`${dep}/package.json`) as { version: string }).version}\0`);
  for (const f of ['tsconfig.json', 'scripts/output-schemas.mjs']) hash.update(`${f}\0${readFileSync(join(ROOT, f), 'utf8')}\0`);
  const sources = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
  for (const f of sources) hash.update(`${f}\0${readFileSync(join(ROOT, 'src', f), 'utf8')}\0`);
  const cacheDir = join(ROOT, 'node_modules/.cache/flowbench-test');
  const cached = join(cacheDir, `output-schema-texts-${hash.digest('hex').slice(0, 20)}.json`);
  try {
    const { files, texts } = JSON.parse(readFileSync(cached, 'utf8')) as { files: string[]; texts: [string, string][] };
    return { files, texts: new Map(texts) };
  } catch {
    // Not generated for these sources yet.
  }
  // @ts-expect-error: a plain ES module script, not part of the typed sources
  const script = await import('../../scripts/output-schemas.mjs');
  const files = (script.OUTPUT_SCHEMAS as { file: string }[]).map((x) => x.file);
  const texts = script.outputSchemaTexts() as Map<string, string>;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${cached}.${process.pid}.tmp`, JSON.stringify({ files, texts: [...texts] }));
    renameSync(`${cached}.${process.pid}.tmp`, cached);
  } catch {
    // Only the next run's time is lost.
  }
  return { files, texts };
}

describe('output schemas', () => {
  it('are up to date with the Report and ResultRecord types (if not: npm run schemas)', async () => {
    const { files, texts: fresh } = await generatedTexts();
    expect([...fresh.keys()]).toEqual(files);
    expect(files).toEqual(['schema/report.schema.json', 'schema/result.schema.json']);
    for (const [file, text] of fresh) {
      expect(readFileSync(join(ROOT, file), 'utf8') === text, `${file} is stale: run \`npm run schemas\` and commit it`).toBe(true);
    }
  }, 60_000);

  it('a graded, gated run with errors, then one against it as --baseline: every file valid', async () => {
    const file = suite('graded', '{ concurrency: 6, retries: 1 }');
    const first = await runCli(['run', file, '--limit', '12', '--out', join(dir, 'release'), '--no-progress', '--threads', '1']);
    expect(first.code, first.stderr + first.stdout).toBeLessThanOrEqual(1);
    expect(first.stderr).toBe('');
    const report = readJson<any>(join(dir, 'release/report.json'));
    expect(report.variants.some((v: any) => v.errors > 0)).toBe(true); // the schema saw error kinds and failure timings
    expect(report.comparisons.length).toBeGreaterThan(0);
    expectValid(join(dir, 'release'));
    const second = await runCli([
      'run',
      file,
      '--limit',
      '12',
      '--out',
      join(dir, 'today'),
      '--baseline',
      join(dir, 'release'),
      '--no-progress',
      '--threads',
      '1',
    ]);
    expect(second.code, second.stderr).toBeLessThanOrEqual(1);
    expectValid(join(dir, 'today'));
  });

  it('a rate sweep, and a run resumed after losing half its lines: every file valid', async () => {
    const sweep = await runCli([
      'run',
      suite('sweep', '{ sweep: { from: 4, to: 8, steps: 2, duration: 1s } }'),
      '--limit',
      '6',
      '--out',
      join(dir, 'sweep'),
      '--no-progress',
      '--threads',
      '1',
    ]);
    expect(sweep.code, sweep.stderr).toBeLessThanOrEqual(1);
    expect(readJson<any>(join(dir, 'sweep/report.json')).sweep.steps).toHaveLength(2);
    expectValid(join(dir, 'sweep'));

    const file = suite('resumed', '{ concurrency: 4, retries: 0 }');
    const out = join(dir, 'resumed');
    const run = await runCli(['run', file, '--limit', '8', '--out', out, '--no-progress', '--threads', '1']);
    expect(run.code, run.stderr).toBeLessThanOrEqual(1);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean);
    writeFileSync(join(out, 'results.jsonl'), `${lines.slice(0, 10).join('\n')}\n`);
    const resumed = await runCli(['run', file, '--limit', '8', '--resume', out, '--no-progress', '--threads', '1']);
    expect(resumed.code, resumed.stderr).toBeLessThanOrEqual(1);
    expect(readJson<any>(join(out, 'report.json')).resumed).toBe(true);
    expectValid(out);
  });

  it('the CLI hook finds the folders a call writes, and checks only files written since the call began', () => {
    expect(outputDirsOf(['run', 's.yaml', '--out', 'o', '--no-progress'], '/w')).toEqual(['/w/o']);
    expect(outputDirsOf(['run', 's.yaml', '--resume', '/r'], '/w')).toEqual(['/r']);
    expect(outputDirsOf(['report', 'd'], '/w')).toEqual(['/w/d']);
    expect(outputDirsOf(['merge', 'a', 'b', '--out=m'], '/w')).toEqual(['/w/m']);
    expect(outputDirsOf(['compare', 'a', 'b'], '/w')).toEqual([]);
    const bad = tempDir('flowbench-bad-');
    writeFileSync(join(bad, 'report.json'), '{"schemaVersion": 1}');
    writeFileSync(join(bad, 'results.jsonl'), '{"variant": "a"}\n{"torn": ');
    const checked = checkOutputs(bad);
    expect(checked).toMatchObject({ reports: 1, lines: 1 });
    expect(checked.problems).toHaveLength(2);
    expect(checkOutputs(bad, Date.now() + 60_000)).toEqual({ reports: 0, lines: 0, problems: [] });
  });

  it('refuse a report or a result line that breaks the contract', () => {
    const report = readJson<any>(join(dir, 'release/report.json'));
    expect(reportProblems(report)).toEqual([]);
    expect(reportProblems({ ...report, surprise: 1 })).not.toEqual([]);
    const variant = report.variants[0];
    const { errored: _errored, ...withoutErrored } = variant;
    expect(reportProblems({ ...report, variants: [withoutErrored] })).not.toEqual([]);
    expect(reportProblems({ ...report, variants: [{ ...variant, latencyMs: { ...variant.latencyMs, p75: '12' } }] })).not.toEqual([]);
    const line = readJsonl<any>(join(dir, 'release/results.jsonl'))[0];
    expect(resultProblems(line)).toEqual([]);
    const { latencyMs: _latency, ...withoutLatency } = line;
    expect(resultProblems(withoutLatency)).not.toEqual([]);
    expect(resultProblems({ ...line, ok: 'yes' })).not.toEqual([]);
  });
});
