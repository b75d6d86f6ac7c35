// GitHub Actions job pages: a sharded run shows one summary per shard job and one from the merge job.
// Only the merge's may read as the verdict; a shard's says it is a shard, and still shows its numbers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { ROOT, readJson, runCli, tempDir } from '../helpers/cli.js';

let sim: LocalSimulatorHandle;
let dir: string;
let suite: string;

beforeAll(async () => {
  sim = await startSimulator({ flowsFile: join(ROOT, 'test/shard/shard.flows.yaml'), seed: 7 });
  dir = tempDir('flowbench-gha-summary-');
  suite = join(dir, 'suite.yaml');
  // pass_rate >= 0.3 holds on the whole run but the ttft limit cannot: the merged verdict is "fail",
  // so a summary that always said "pass" (or copied a shard's) would be caught.
  writeFileSync(
    suite,
    `name: gha
target: { flow_id: shard-bot, org_id: acme, token: gha-test-token }
dataset:
  path: ${join(ROOT, 'datasets/support.csv')}
  inputs: { in-0: "{{question}}" }
  expected: "{{answer}}"
variants: [{ name: published, version: 1 }]
load: { concurrency: 4, iterations: 1, retries: 0 }
graders: [{ type: contains, value: "{{expected}}" }]
thresholds: { ttft_p50_ms: "< 1", error_rate: "< 0.5" }
`,
  );
});
afterAll(async () => {
  await sim?.close();
});

describe('job summaries of a sharded run', () => {
  it('each shard says it is one; merge writes summary.md and appends the merged verdict', async () => {
    const stepFile = (name: string) => {
      const f = join(dir, `${name}.step-summary.md`);
      writeFileSync(f, 'earlier step\n'); // GitHub's file may already hold other steps' output
      return f;
    };
    const shards = await Promise.all(
      [1, 2].map((i) =>
        runCli(['run', suite, '--base-url', sim.url, '--shard', `${i}/2`, '--out', join(dir, `s${i}`), '--no-progress'], {
          env: { GITHUB_STEP_SUMMARY: stepFile(`shard${i}`) },
        }),
      ),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(1); // ttft < 1 ms fails on each share too

    for (const i of [1, 2]) {
      const md = readFileSync(join(dir, `s${i}/summary.md`), 'utf8');
      const [head, note] = md.split('\n\n');
      expect(head).toBe(`## flowbench: gha — shard ${i} of 2 (not the verdict)`);
      expect(note).toContain(`shard ${i} of 2`);
      expect(note).toContain('The verdict is decided by `flowbench merge` of all 2 shards');
      expect(md).not.toMatch(/^## [✅❌]/m);
      // Its own numbers are still there: the variant row counts this shard's requests.
      const own = readJson<any>(join(dir, `s${i}/report.json`));
      expect(own.variants[0].requests).toBeGreaterThan(0);
      expect(md).toContain(`| published | ${own.variants[0].requests} |`);
      expect(readFileSync(join(dir, `shard${i}.step-summary.md`), 'utf8')).toBe(`earlier step\n${md}\n`);
    }

    const mergeStep = stepFile('merge');
    const merged = await runCli(['merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged')], { env: { GITHUB_STEP_SUMMARY: mergeStep } });
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    const report = readJson<any>(join(dir, 'merged/report.json'));
    expect(report.verdict).toBe('fail');
    const md = readFileSync(join(dir, 'merged/summary.md'), 'utf8');
    expect(md.startsWith('## ❌ flowbench: gha — fail\n\nMerged from 2 shards (1/2, 2/2): the verdict of the whole run.\n')).toBe(true);
    expect(md).not.toContain('not the verdict');
    expect(md).toContain(`| published | ${report.variants[0].requests} |`);
    expect(report.variants[0].requests).toBe(48);
    expect(md).toContain('| ❌ | ttft_p50_ms | published | < 1 |');
    expect(md).toContain('| ✅ | error_rate | published | < 0.5 |');
    expect(readFileSync(mergeStep, 'utf8')).toBe(`earlier step\n${md}\n`);
    // No summary file named: nothing appended, nothing fails.
    const quiet = await runCli(['merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged2')], { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toBe('');
  });
});
