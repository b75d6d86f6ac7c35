// A CommonJS consumer of the packed package: whatever type-checks must also run (never "type-checks clean, then
// ERR_PACKAGE_PATH_NOT_EXPORTED"). flowbench is ESM; the `require` condition points at the same ESM entry, which
// Node loads through require(esm) (on by default from 20.19 / 22.12: the `engines` range). Offline: local tarball.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
let app = '';
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
const tsc = (project: string) => spawnSync(process.execPath, [TSC, '-p', project], { cwd: app, encoding: 'utf8', timeout: 60_000 });

describe('a CommonJS consumer of the packed package', () => {
  beforeAll(() => {
    const work = tempDir('flowbench-cjs-');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }),
    ) as Array<{ filename: string }>;
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "cjs-app", "private": true, "type": "commonjs" }\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, packed[0]!.filename)], {
      cwd: app,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 90_000,
    });
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
  }, 120_000);

  it('require("flowbench") works at runtime, with nothing on stderr', () => {
    const r = spawnSync(
      process.execPath,
      ['-e', "const m = require('flowbench'); console.log([typeof m.runSuite, typeof m.streamRun, typeof m.loadSuite, typeof m.suiteJsonSchema].join(' '))"],
      { cwd: app, encoding: 'utf8', timeout: 30_000 },
    );
    expect(errors(r.stderr)).toBe('');
    expect(r.stdout).toBe('function function function function\n');
  });

  it('type-checks under module nodenext (TS require(esm)) and then runs', () => {
    const check = tsc('tsconfig.nodenext.json');
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    // Strip the TypeScript-only syntax and run the same code as CommonJS.
    const js =
      "const flowbench = require('flowbench'); const fns = [flowbench.runSuite, flowbench.streamRun, flowbench.loadSuite]; console.log(fns.map((f) => typeof f).join(' '), typeof flowbench.suiteJsonSchema);";
    writeFileSync(join(app, 'consumer.cjs'), js);
    const run = spawnSync(process.execPath, ['consumer.cjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(errors(run.stderr)).toBe('');
    expect(run.stdout).toBe('function function function function\n');
  });

  it('under module node16 (no require(esm) in TS) it fails at type-check, not at runtime', () => {
    const check = tsc('tsconfig.node16.json');
    expect(check.status).not.toBe(0);
    expect(check.stdout).toMatch(/TS1471: Module 'flowbench' cannot be imported using this construct/); // "...only resolves to an ES module"
  });
});
