// The packed package, installed from its tarball into an empty folder (npm pack, then npm install of the
// .tgz: offline where the npm cache is warm, as on CI after npm ci). One pack and one install serve both
// consumers, an ES module one and a CommonJS one: each costs about 9 s of CPU (mostly npm's extraction).
//
// ESM: the CLI, the demo suite, init and the library work from there.
// CommonJS: whatever type-checks must also run (never "type-checks clean, then ERR_PACKAGE_PATH_NOT_EXPORTED").
// flowbench is ESM; the `require` condition points at the same ESM entry, which Node loads through
// require(esm) (on by default from 20.19 / 22.12: the `engines` range).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, readJson, tempDir } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
// The consumer's compilers: TypeScript 5.9 (the 5.8+ line docs/usage.md names) and 7 (what `npm install
// typescript` gives a new project today, and several times faster).
const TSC = { '5.9': join(ROOT, 'node_modules/typescript/bin/tsc'), '7': join(ROOT, 'node_modules/typescript-native/bin/tsc') };
let files: string[] = [];
/** The consumer's folder: its package.json has no "type" (CommonJS); ES module code is .mjs or --input-type. */
let app = '';

beforeAll(() => {
  const work = tempDir('flowbench-pack-');
  // dist/ is already built (npm test builds first), so skip prepack's rebuild.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  files = packed[0]!.files.map((f) => f.path);
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  // The dependencies come from the npm cache: no network needed where it is warm (CI after npm ci, this machine).
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed[0]!.filename)], {
    cwd: app,
    encoding: 'utf8',
    stdio: 'pipe',
    timeout: 90_000,
  });
}, 120_000);

describe('the packed package', () => {
  it('holds what a user runs and nothing of the sources', () => {
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
  });

  it('installs into an empty folder and runs --help, --version, the demo suite, init and the library', () => {
    const opts = { cwd: app, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 } as const;
    // npx finds the installed command once; the other calls run the bin it found (npx costs 0.5 s of CPU a call).
    const help = spawnSync('npx', ['--no', '--', 'flowbench', '--help'], opts);
    const sh = (args: string[]) => spawnSync(join(app, 'node_modules/.bin/flowbench'), args, opts);
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

    // The library, imported by name, from an ES module.
    const esm = (code: string) => spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' });
    const lib = esm(
      "const m = await import('flowbench'); console.log([typeof m.runSuite, typeof m.streamRun, typeof m.loadSuite, typeof m.suiteJsonSchema].join(' '))",
    );
    expect(lib.stdout).toBe('function function function function\n');
    // The schema is importable by tools too (e.g. a custom validator): flowbench/schema/suite.schema.json.
    const schema = esm(
      "import { createRequire } from 'node:module'; const r = createRequire(process.cwd() + '/'); console.log(JSON.parse((await import('node:fs')).readFileSync(r.resolve('flowbench/schema/suite.schema.json'), 'utf8')).title)",
    );
    expect(schema.stdout, schema.stderr).toBe('flowbench suite\n');
  });
});

// Node 22.12 alone still prints an ExperimentalWarning for require(esm) (gone from 22.13 / 20.19); anything else fails.
const errors = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l && !/ExperimentalWarning: .*require|--trace-warnings/.test(l))
    .join('\n');

const tsconfig = (module: string) =>
  JSON.stringify({
    compilerOptions: {
      module,
      moduleResolution: module,
      target: 'ES2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
    },
    files: ['consumer.cts'],
  });
const tsc = (project: string, version: keyof typeof TSC) =>
  spawnSync(process.execPath, [TSC[version], '-p', project], { cwd: app, encoding: 'utf8', timeout: 60_000 });

describe('a CommonJS consumer of the packed package', () => {
  beforeAll(() => {
    writeFileSync(
      join(app, 'consumer.cts'),
      [
        "import flowbench = require('flowbench');",
        'const fns: Array<Function> = [flowbench.runSuite, flowbench.streamRun, flowbench.loadSuite];',
        "console.log(fns.map((f) => typeof f).join(' '), typeof flowbench.suiteJsonSchema);",
        '',
      ].join('\n'),
    );
    writeFileSync(join(app, 'tsconfig.nodenext.json'), tsconfig('nodenext'));
    writeFileSync(join(app, 'tsconfig.node16.json'), tsconfig('node16'));
  });

  it('require("flowbench") works at runtime, with nothing on stderr', () => {
    const r = spawnSync(
      process.execPath,
      ['-e', "const m = require('flowbench'); console.log([typeof m.runSuite, typeof m.streamRun, typeof m.loadSuite, typeof m.suiteJsonSchema].join(' '))"],
      { cwd: app, encoding: 'utf8', timeout: 30_000 },
    );
    expect(errors(r.stderr)).toBe('');
    expect(r.stdout).toBe('function function function function\n');
  });

  it('type-checks under module nodenext (TS require(esm)) with TypeScript 5.9 and 7, and then runs', () => {
    for (const version of ['5.9', '7'] as const) {
      const check = tsc('tsconfig.nodenext.json', version);
      expect(check.stdout + check.stderr, version).toBe('');
      expect(check.status, version).toBe(0);
    }
    // Strip the TypeScript-only syntax and run the same code as CommonJS.
    const js =
      "const flowbench = require('flowbench'); const fns = [flowbench.runSuite, flowbench.streamRun, flowbench.loadSuite]; console.log(fns.map((f) => typeof f).join(' '), typeof flowbench.suiteJsonSchema);";
    writeFileSync(join(app, 'consumer.cjs'), js);
    const run = spawnSync(process.execPath, ['consumer.cjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(errors(run.stderr)).toBe('');
    expect(run.stdout).toBe('function function function function\n');
  });

  it('under module node16 (no require(esm) in TS) it fails at type-check, not at runtime', () => {
    const check = tsc('tsconfig.node16.json', '7');
    expect(check.status).not.toBe(0);
    expect(check.stdout).toMatch(/TS1471: Module 'flowbench' cannot be imported using this construct/); // "...only resolves to an ES module"
  });
});
