// `npm pack` → install the tarball into an empty folder → the CLI, the demo suite, init and the library work from there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readJson, tempDir } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

describe('the packed package', () => {
  it('installs into an empty folder and runs --help, --version, the demo suite, init and the library', () => {
    const work = tempDir('flowbench-pack-');
    // dist/ is already built (npm test builds first), so skip prepack's rebuild.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    for (const f of [
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      'schema/suite.schema.json',
      'suites/demo.yaml',
      'suites/demo.flows.yaml',
      'datasets/support.csv',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('node_modules/'))).toEqual([]);
    // No source maps: they would point at src/*.ts, which is not shipped (tsconfig sourceMap false, files "!dist/**/*.map").
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);

    const app = join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
    // The dependencies come from the npm cache: no network needed where it is warm (CI after npm ci, this machine).
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed[0]!.filename)], {
      cwd: app,
      encoding: 'utf8',
      stdio: 'pipe',
    });

    const sh = (args: string[]) =>
      spawnSync('npx', ['--no', '--', 'flowbench', ...args], { cwd: app, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
    const help = sh(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: flowbench /);
    expect(sh(['--version']).stdout).toBe(`${pkg.version}\n`);

    // The demo suite finds its dataset (../datasets) and the simulator its flows (DEFAULT_FLOWS_FILE) inside the package.
    const demo = sh(['run', 'node_modules/flowbench/suites/demo.yaml', '--limit', '3', '--no-progress', '--out', 'demo-out']);
    expect(demo.stderr).toBe('');
    expect([0, 1]).toContain(demo.status); // 1 only if a demo threshold failed on a very slow machine
    expect(demo.stdout).toMatch(/verdict: (pass|fail); report: demo-out\/report\.json/);
    const report = readJson<{ variants: Array<{ name: string; requests: number; ok: number }> }>(join(app, 'demo-out/report.json'));
    expect(report.variants.map((v) => [v.name, v.requests, v.ok])).toEqual([
      ['published', 3, 3],
      ['draft', 3, 3],
    ]);

    // init writes a suite whose modeline points at the installed schema, and it runs.
    expect(sh(['init', 'starter', '--flow-id', 'echo-fast']).status).toBe(0);
    const modeline = readFileSync(join(app, 'starter/flowbench.yaml'), 'utf8').split('\n')[0]!;
    expect(modeline).toBe('# yaml-language-server: $schema=../node_modules/flowbench/schema/suite.schema.json');
    const started = sh(['run', 'starter/flowbench.yaml', '--no-progress', '--out', 'starter-out']);
    expect(started.status, started.stderr).toBe(0);
    expect(existsSync(join(app, 'starter-out/report.json'))).toBe(true);

    // The library, imported by name.
    const lib = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('flowbench'); console.log([typeof m.runSuite, typeof m.streamRun, typeof m.loadSuite, typeof m.suiteJsonSchema].join(' '))",
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(lib.stdout).toBe('function function function function\n');
    // The schema is importable by tools too (e.g. a custom validator): flowbench/schema/suite.schema.json.
    const schema = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { createRequire } from 'node:module'; const r = createRequire(process.cwd() + '/'); console.log(JSON.parse((await import('node:fs')).readFileSync(r.resolve('flowbench/schema/suite.schema.json'), 'utf8')).title)",
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(schema.stdout, schema.stderr).toBe('flowbench suite\n');
  });
});
