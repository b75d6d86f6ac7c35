// --version, --help with an example on every command, shell completion that bash really runs, and --env-file.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** Command names as `flowbench --help` lists them. */
async function commands(): Promise<string[]> {
  const help = (await runCli(['--help'])).stdout;
  const section = (help.split(/^Commands:$/m)[1] ?? '').split(/\n\n/)[0]!;
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('global options and help', () => {
  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    }
  });

  it('every command has --help with an example', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/\nExamples:\n {2}flowbench init/);
    const names = await commands();
    expect(names).toEqual(expect.arrayContaining(['run', 'validate', 'simulate', 'init', 'completion']));
    const helps = await Promise.all(names.map((name) => runCli([name, '--help'])));
    for (const [i, name] of names.entries()) {
      const r = helps[i]!;
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(/^Usage: flowbench /);
      const examples = /\nExamples?:\n((?: {2}.*(?:\n|$))+)/.exec(r.stdout)?.[1] ?? '';
      expect(examples, `${name} --help has no example`).toMatch(/flowbench /);
    }
  });
});

describe('flowbench completion', () => {
  it('bash: the script completes commands, flags, flag values and choices when bash runs it', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const dir = tempDir('flowbench-completion-');
    writeFileSync(join(dir, 'suite.yaml'), '');
    const complete = (words: string[]): string[] => {
      const line = ['flowbench', ...words];
      const cmd = `${script}\nCOMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${line.length - 1}; _flowbench; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', cmd], { cwd: dir, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    const names = await commands();
    expect(complete([''])).toEqual(expect.arrayContaining(names));
    expect(complete(['va'])).toEqual(['validate']);
    expect(complete(['run', '--con'])).toEqual(['--concurrency']);
    expect(complete(['run', 'su'])).toEqual(['suite.yaml']);
    expect(complete(['--env-file', 'x', 'run', '--lim'])).toEqual(['--limit']);
    expect(complete(['run', '--out', 'su'])).toEqual(['suite.yaml']); // a folder or file value
    expect(complete(['run', '--concurrency', ''])).toEqual([]); // a number: nothing to offer
    expect(complete(['completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('zsh: the script names every command and flag; bad shells are exit 2', async () => {
    const script = (await runCli(['completion', 'zsh'])).stdout;
    expect(script.split('\n')[0]).toBe('#compdef flowbench');
    for (const name of await commands()) expect(script).toMatch(new RegExp(`'${name}:`));
    expect(script).toMatch(/--concurrency\[override load\.concurrency\]/);
    const zsh = spawnSync('zsh', ['-n', '-c', script], { encoding: 'utf8' });
    if (!zsh.error) expect(zsh.status, zsh.stderr).toBe(0); // syntax check where zsh is installed
    const bad = await runCli(['completion', 'fish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bash, zsh/);
  });
});

const hasZsh = !spawnSync('zsh', ['--version']).error;

describe.skipIf(!hasZsh)('flowbench completion zsh, in a real zsh (where zsh is installed)', () => {
  // An interactive zsh in a pseudo-terminal (zpty): type the line, press Tab, read until "$3" shows (15 s at most).
  const HARNESS = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; autoload -U compinit; compinit -u -D; source \${(q)2}; setopt NO_BEEP"
zpty -n -w z "$1"$'\\t'
local all="" chunk
integer i
for (( i = 0; i < 75; i++ )); do
  while zpty -r -t z chunk; do all+=$chunk; done
  [[ $all == *"$3"* ]] && break
  sleep 0.2
done
print -r -- "$all"
zpty -d z
`;

  it('lists the commands with their descriptions and completes a flag', async () => {
    const dir = tempDir('flowbench-zsh-');
    writeFileSync(join(dir, '_flowbench'), (await runCli(['completion', 'zsh'])).stdout);
    writeFileSync(join(dir, 'harness.zsh'), HARNESS);
    const tab = (line: string, until: string) =>
      spawnSync('zsh', [join(dir, 'harness.zsh'), line, join(dir, '_flowbench'), until], { encoding: 'utf8', timeout: 30_000 }).stdout.replace(
        /\x1b\[[0-9;?]*[a-zA-Z]|\r/g,
        '',
      );
    const listed = tab('flowbench ', 'check a suite');
    for (const name of await commands()) expect(listed).toMatch(new RegExp(`${name} +-- `));
    expect(tab('flowbench run --con', '--concurrency')).toMatch(/flowbench run --concurrency /);
  });
});

describe('--env-file', () => {
  const SECRET = 'sk-envfile-7f3a9c-never-shown';

  it('loads KEY=VALUE lines before the suite loads; the environment wins; values never printed', async () => {
    const dir = tempDir('flowbench-envfile-');
    writeFileSync(join(dir, 'rows.csv'), 'question\nhi\n');
    writeFileSync(join(dir, '.env'), `# comment\nFB_SUITE_NAME=from-file\nSTACKAI_API_KEY="${SECRET}"\nexport FB_FLOW=echo-fast\n`);
    writeFileSync(
      join(dir, 'suite.yaml'),
      'name: ${FB_SUITE_NAME}\ntarget: { flow_id: "${FB_FLOW}", token: "${STACKAI_API_KEY}" }\ndataset: { path: rows.csv, inputs: { in-0: "{{question}}" } }\n',
    );

    const without = await runCli(['validate', 'suite.yaml'], { cwd: dir, env: { FB_SUITE_NAME: undefined, STACKAI_API_KEY: undefined } });
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/FB_SUITE_NAME is not set/);

    const withFile = await runCli(['--env-file', '.env', 'validate', 'suite.yaml'], {
      cwd: dir,
      env: { FB_SUITE_NAME: undefined, STACKAI_API_KEY: undefined },
    });
    expect(withFile.stderr).toBe('');
    expect(withFile).toMatchObject({ code: 0 });
    expect(withFile.stdout).toMatch(/suite "from-file"/);

    const after = await runCli(['validate', 'suite.yaml', '--env-file', '.env'], { cwd: dir, env: { FB_SUITE_NAME: 'from-env', STACKAI_API_KEY: undefined } });
    expect(after.stdout).toMatch(/suite "from-env"/); // a set variable is not replaced

    const run = await runCli(['run', 'suite.yaml', '--env-file', '.env', '--no-progress', '--out', 'out'], {
      cwd: dir,
      env: { FB_SUITE_NAME: undefined, STACKAI_API_KEY: undefined },
    });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    const files = readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name), 'utf8'), f.name).not.toContain(SECRET);
  });

  it('a missing env file stops the command, naming the file', async () => {
    const r = await runCli(['--env-file', 'nope.env', 'validate', 'suites/demo.yaml']);
    expect(r.stdout).toBe('');
    if (!r.stderr.startsWith('flowbench')) {
      // Node 20 and 22 read --env-file even after the script name (nodejs/node#54232) and stop first, exit 9.
      expect(r.code).toBe(9);
      expect(r.stderr).toMatch(/^\S*node: nope\.env: not found\n$/);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^flowbench: error: nope\.env: env file not found\n\s+fix: /);
    }
  });

  it('loadEnvFile: a missing file or a folder is a ConfigError', async () => {
    const { loadEnvFile } = await import('../../src/cli/env-file.js');
    expect(() => loadEnvFile(join(tempDir(), 'none.env'), {})).toThrow(/env file not found/);
    expect(() => loadEnvFile(tempDir(), {})).toThrow(/env file is a folder/);
    const dir = tempDir();
    writeFileSync(join(dir, 'e.env'), 'A=1\nB="two words"\n');
    const env: NodeJS.ProcessEnv = { A: 'kept' };
    expect(loadEnvFile(join(dir, 'e.env'), env)).toEqual(['B']);
    expect(env).toEqual({ A: 'kept', B: 'two words' });
  });
});
