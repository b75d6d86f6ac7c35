// `flowbench init` in an empty folder, then `flowbench run`: the starter suite runs at once; nothing is overwritten.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { initCommand } from '../../src/cli/init-command.js';
import { suiteJsonSchema } from '../../src/schema/json-schema.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import { readJson, runCli, tempDir } from '../helpers/cli.js';

const validate = new Ajv({ allowUnionTypes: true }).compile(suiteJsonSchema());

describe('flowbench init', () => {
  it('writes a suite and a dataset that `flowbench run` runs at once against the simulator; refuses to overwrite', async () => {
    const dir = tempDir('flowbench-init-');
    const init = await runCli(['init'], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/wrote flowbench\.yaml \(suite\) and dataset\.csv \(5 rows\)/);
    const suiteText = readFileSync(join(dir, 'flowbench.yaml'), 'utf8');
    expect(suiteText.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schema\/suite\.schema\.json$/);
    expect(existsSync(join(dir, suiteText.split('\n')[0]!.split('$schema=')[1]!))).toBe(true);
    expect(validate(parse(suiteText)), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(join(dir, 'dataset.csv'), 'utf8').trim().split('\n')).toHaveLength(6);

    const run = await runCli(['run', 'flowbench.yaml', '--no-progress', '--out', 'out'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = readJson<{ variants: Array<{ name: string; requests: number; ok: number; grades: { graded: number; passRate: number } }> }>(
      join(dir, 'out/report.json'),
    );
    expect(report.variants).toHaveLength(1);
    expect(report.variants[0]).toMatchObject({ name: 'published', requests: 5, ok: 5 });
    expect(report.variants[0]!.grades.graded).toBe(5);
    expect(report.variants[0]!.grades.passRate).toBeGreaterThan(0.5); // support-bot knows the bundled answers

    const again = await runCli(['init', '--flow-id', 'echo-fast'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/flowbench\.yaml: flowbench\.yaml already exists; flowbench init never overwrites/);
    expect(readFileSync(join(dir, 'flowbench.yaml'), 'utf8')).toBe(suiteText);
  });

  it('takes flags: another flow, mode and dataset format, into a new folder', async () => {
    const dir = tempDir('flowbench-init-');
    const init = await runCli(['init', 'bench', '--flow-id', 'echo-fast', '--mode', 'run', '--dataset', 'data/rows.jsonl'], { cwd: dir });
    expect(init.code).toBe(0);
    const suite = await loadSuite(join(dir, 'bench/flowbench.yaml'));
    expect(suite).toMatchObject({ mode: 'run', target: { flowId: 'echo-fast', baseUrl: 'simulator' } });
    expect(suite.dataset).toMatchObject({ path: join(dir, 'bench/data/rows.jsonl'), format: 'jsonl' });
    const run = await runCli(['run', 'bench/flowbench.yaml', '--no-progress', '--out', 'out'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(readJson<{ variants: Array<{ ok: number }> }>(join(dir, 'out/report.json')).variants[0]!.ok).toBe(5);
  });

  it('a real API target reads the token from the environment, and bad answers are exit 2', async () => {
    const dir = tempDir('flowbench-init-');
    const init = await runCli(['init', '--base-url', 'https://api.stack-ai.com', '--org-id', 'org-1', '--flow-id', 'f1'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/STACKAI_API_KEY/);
    const text = readFileSync(join(dir, 'flowbench.yaml'), 'utf8');
    expect(text).toMatch(/base_url: https:\/\/api\.stack-ai\.com\n/);
    expect(text).toMatch(/token: \$\{STACKAI_API_KEY\}/);
    const suite = await loadSuite(join(dir, 'flowbench.yaml'), { env: { STACKAI_API_KEY: 'sk-test-key' } });
    expect(suite.target).toMatchObject({ orgId: 'org-1', flowId: 'f1' });

    const badArgs = [
      ['--mode', 'batch'],
      ['--base-url', 'ftp://x'],
      ['--dataset', 'rows.txt'],
    ];
    const bads = await Promise.all(badArgs.map((args) => runCli(['init', 'other', ...args], { cwd: dir })));
    for (const [i, args] of badArgs.entries()) {
      const bad = bads[i]!;
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/^flowbench: error: .*(\n\s+fix: |run, stream, sso-stream)/);
      expect(existsSync(join(dir, 'other/flowbench.yaml'))).toBe(false);
    }
  });

  it('uses an existing dataset as it is, picking its input and expected columns', async () => {
    const dir = tempDir('flowbench-init-');
    writeFileSync(join(dir, 'mine.csv'), 'id,prompt,expected\n1,hello there,hello\n');
    const init = await runCli(['init', '--dataset', 'mine.csv', '--flow-id', 'echo-fast'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, 'mine.csv'), 'utf8')).toBe('id,prompt,expected\n1,hello there,hello\n');
    const suite = await loadSuite(join(dir, 'flowbench.yaml'));
    expect(suite.dataset.inputs['in-0']).toBe('{{prompt}}');
    expect(suite.dataset.expected).toBe('{{expected}}');
  });

  it('asks on a terminal for every value no flag gives', async () => {
    const dir = tempDir('flowbench-init-');
    mkdirSync(join(dir, 'x'));
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += d));
    input.end('\n\necho-fast\nq.json\n'); // base URL, org id (defaults), flow id, dataset (mode is a flag)
    const code = await initCommand(join(dir, 'x'), { mode: 'run' }, { input, output, interactive: true });
    expect(code).toBe(0);
    expect(shown).toMatch(/StackAI base URL .*\[simulator\]: /);
    expect(shown).not.toMatch(/Mode/); // given by a flag, not asked
    const suite = await loadSuite(join(dir, 'x/flowbench.yaml'));
    expect(suite).toMatchObject({ mode: 'run', target: { flowId: 'echo-fast', orgId: 'demo' } });
    expect(suite.dataset.format).toBe('json');
    expect(JSON.parse(readFileSync(join(dir, 'x/q.json'), 'utf8'))).toHaveLength(5);

    const short = new PassThrough();
    short.end('\n'); // Ctrl-D after the first answer
    await expect(initCommand(join(dir, 'y'), {}, { input: short, output: new PassThrough(), interactive: true })).rejects.toThrow(/cancelled/);
    expect(existsSync(join(dir, 'y/flowbench.yaml'))).toBe(false);
  });
});
