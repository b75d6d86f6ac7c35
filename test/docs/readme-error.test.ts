// The README's sample error is exactly what the tool prints for that mistake (issue 17: it was not).
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

describe('README', () => {
  it('shows the exact error `flowbench validate` prints for a mistyped key in suites/demo.yaml', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /what to do:\n\n```\n([\s\S]*?)```/.exec(readme)![1]!;
    const dir = tempDir('flowbench-readme-');
    mkdirSync(join(dir, 'suites'));
    mkdirSync(join(dir, 'datasets'));
    writeFileSync(join(dir, 'suites/demo.yaml'), readFileSync(join(ROOT, 'suites/demo.yaml'), 'utf8').replace('  concurrency:', '  concurency:'));
    copyFileSync(join(ROOT, 'datasets/support.csv'), join(dir, 'datasets/support.csv'));
    cpSync(join(ROOT, 'suites/graders'), join(dir, 'suites/graders'), { recursive: true });
    const r = await runCli(['validate', 'suites/demo.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(block);
  });
});
