// The sample errors in README.md and docs/usage.md are exactly what the tool prints for those mistakes (issue 17: they were not).
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const README = () => readFileSync(join(ROOT, 'README.md'), 'utf8');
const USAGE = () => readFileSync(join(ROOT, 'docs/usage.md'), 'utf8');

/** A copy of suites/demo.yaml (with its dataset and grader modules) changed by `edit`, in a fresh folder. */
function demoWith(edit: (yaml: string) => string): string {
  const dir = tempDir('flowbench-readme-');
  mkdirSync(join(dir, 'suites'));
  mkdirSync(join(dir, 'datasets'));
  writeFileSync(join(dir, 'suites/demo.yaml'), edit(readFileSync(join(ROOT, 'suites/demo.yaml'), 'utf8')));
  copyFileSync(join(ROOT, 'datasets/support.csv'), join(dir, 'datasets/support.csv'));
  cpSync(join(ROOT, 'suites/graders'), join(dir, 'suites/graders'), { recursive: true });
  return dir;
}

describe('README.md and docs/usage.md', () => {
  it('README.md shows the exact error `flowbench validate` prints for a mistyped key in suites/demo.yaml', async () => {
    const block = /what to do:\n\n```\n([\s\S]*?)```/.exec(README())![1]!;
    const dir = demoWith((y) => y.replace('  concurrency:', '  concurency:'));
    const r = await runCli(['validate', 'suites/demo.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(block);
  });

  it('docs/usage.md shows the exact errors `flowbench validate` prints, all in one pass, for four mistakes in suites/demo.yaml', async () => {
    const block = /Four mistakes in `suites\/demo\.yaml`:\n\n```\n([\s\S]*?)```/.exec(USAGE())![1]!;
    const dir = demoWith((y) =>
      y
        .replace('mode: stream', 'mode: strem')
        .replace('  retries: 2', '  retries: two')
        .replace('type: starts-with', 'type: starts-wth')
        .replace('report:\n', 'compare: { baseline: publishd }\nreport:\n'),
    );
    const r = await runCli(['validate', 'suites/demo.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(block);
  });
});
