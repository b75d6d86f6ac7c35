// The manifests' shell lines, run as a pod would run them (sh -c with the env the Job sets): the
// arguments flowbench gets, the shell gone (exec) so a SIGTERM reaches flowbench and it exits 143 with
// its partial report, and the documented apply lines (sed) filling in the start time and the run id.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, readJson, tempDir } from '../helpers/cli.js';

const file = (name: string) => join(ROOT, 'deploy/kubernetes', name);
const job = (name: string) => parse(readFileSync(file(name), 'utf8'));
const script = (name: string): string => job(name).spec.template.spec.containers[0].args.join(' ');

/** A `flowbench` on PATH: `fake` prints its PID and arguments; otherwise the built CLI, exec'd (same PID). */
function binDir(fake: boolean): string {
  const bin = join(tempDir('flowbench-bin-'), 'bin');
  mkdirSync(bin);
  const body = fake ? 'echo "$$"; for a in "$@"; do echo "$a"; done' : `exec "${process.execPath}" "${CLI}" "$@"`;
  writeFileSync(join(bin, 'flowbench'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, 'flowbench'), 0o755);
  return bin;
}

function sh(text: string, env: Record<string, string>, bin: string) {
  return spawn('sh', ['-c', text], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function output(text: string, env: Record<string, string>, bin: string) {
  const child = sh(text, env, bin);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, pid: child.pid, lines: out.split('\n').filter(Boolean), stderr: err };
}

describe("the shards job's command", () => {
  const base = { JOB_COMPLETION_INDEX: '2', RUN_ID: '3f1c-uid', STACKAI_BASE_URL: 'https://api.stack-ai.com' };

  it("gives flowbench its shard, folder and start time, in the shell's own process (exec)", async () => {
    const r = await output(script('shards-job.yaml'), { ...base, START_AT: '2026-05-01T12:00:00Z' }, binDir(true));
    expect(r.code, r.stderr).toBe(0);
    const [pid, ...args] = r.lines;
    expect(Number(pid)).toBe(r.pid); // the shell was replaced: the kubelet's SIGTERM goes to flowbench
    expect(args).toEqual([
      'run',
      '/suites/suite.yaml',
      '--base-url',
      'https://api.stack-ai.com',
      '--shard',
      '3/4',
      '--out',
      '/results/3f1c-uid/shard-3',
      '--start-at',
      '2026-05-01T12:00:00Z',
      '--no-progress',
    ]);
  });

  it('an empty start-at annotation: no --start-at, each pod starts when it is up', async () => {
    const r = await output(script('shards-job.yaml'), { ...base, START_AT: '' }, binDir(true));
    expect(r.lines.slice(1)).not.toContain('--start-at');
    expect(r.lines).toContain('--no-progress');
  });

  it("SIGTERM to the pod's process: flowbench exits 143 with its partial report", async () => {
    const dir = tempDir('flowbench-pod-');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: pod
target: { flow_id: support-bot, org_id: demo }
dataset: { path: ${join(ROOT, 'datasets/support.csv')}, inputs: { in-0: "{{question}}" } }
variants: [{ name: published, version: -1 }]
load: { concurrency: 2, duration: 60s, grace: 2s }
`,
    );
    // The pod's paths, moved into a temporary folder; everything else as in the manifest.
    const text = script('shards-job.yaml').replaceAll('/suites/', `${dir}/`).replaceAll('/results/', `${dir}/`);
    const child = sh(text, { ...base, JOB_COMPLETION_INDEX: '0', STACKAI_BASE_URL: 'simulator', START_AT: '+1s' }, binDir(false));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    const out = join(dir, '3f1c-uid/shard-1');
    // Once requests have finished (results.jsonl has lines), the kubelet stops the pod.
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      let lines = 0;
      try {
        lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length;
      } catch {}
      if (lines > 0) break;
    }
    const sent = Date.now();
    child.kill('SIGTERM');
    const code = await closed;
    expect(code, stderr).toBe(143);
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(stderr).toContain('terminated: no new requests');
    const report = readJson<any>(join(out, 'report.json'));
    expect(report.partial).toBe(true);
    expect(report.shard).toEqual({ index: 1, count: 4 });
    expect(report.variants[0].requests).toBeGreaterThan(0);
  }, 60_000);
});

describe("the merge job's command", () => {
  it('merges every shard folder of the run, as flowbench itself (exec)', async () => {
    const r = await output(script('merge-job.yaml').replaceAll('/results/', '/nonexistent/'), { RUN_ID: 'uid-9' }, binDir(true));
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.lines[0])).toBe(r.pid);
    // No folders there: sh passes the pattern on and flowbench merge names it as missing.
    expect(r.lines.slice(1)).toEqual(['merge', '/nonexistent/uid-9/shard-*', '--out', '/nonexistent/uid-9/merged']);
  });

  it('an empty run-id annotation is exit 2 with what to set', async () => {
    const r = await output(script('merge-job.yaml'), { RUN_ID: '' }, binDir(true));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the flowbench/run-id annotation is empty');
    expect(r.lines).toEqual([]);
  });
});

describe('the apply lines at the top of the manifests', () => {
  it.each([
    ['shards-job.yaml', 'START_AT', '2026-05-01T12:00:00Z', 'flowbench/start-at'],
    ['merge-job.yaml', 'RUN_ID', '7d0b2c1e-0000-4000-8000-000000000000', 'flowbench/run-id'],
  ])('%s: the documented sed sets %s in the pod template, and nothing else', (name, variable, value, annotation) => {
    const line = readFileSync(file(name), 'utf8')
      .split('\n')
      .find((l) => /^#\s+sed /.test(l))!;
    const cmd = line.replace(/^#\s+/, '').replace(/ \| kubectl apply -f -$/, '');
    expect(line).toMatch(/ \| kubectl apply -f -$/);
    const r = spawnSync('sh', ['-c', cmd], { cwd: ROOT, env: { ...process.env, [variable]: value }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const applied = parse(r.stdout);
    expect(applied.spec.template.metadata.annotations[annotation]).toBe(value);
    applied.spec.template.metadata.annotations[annotation] = '';
    expect(applied).toEqual(job(name));
  });
});
