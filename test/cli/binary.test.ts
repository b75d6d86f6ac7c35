// The `flowbench` binary as a process: most tests call the command line in their own process (runCli), so
// these check what only the real process shows: its exit codes, what goes to which stream, that a run ends
// by itself, and that the in-process call gives the same answer as the process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempDir } from '../helpers/cli.js';

const both = async (args: string[]): Promise<[CliResult, CliResult]> => [await runCli(args, { spawn: true }), await runCli(args)];

describe('the flowbench binary', () => {
  it('a usage mistake is exit 2 on stderr, --version exit 0 on stdout, the same as in process', async () => {
    const [proc, inProc] = await both(['run']);
    expect(proc.code).toBe(2);
    expect(proc.stdout).toBe('');
    expect(proc.stderr).toBe("flowbench: error: missing required argument 'suite'\n");
    expect(inProc).toEqual(proc);
    const [version, inVersion] = await both(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(inVersion).toEqual(version);
  });

  it('a bad suite is exit 2 naming file, line and fix, with no stack trace; a run ends by itself with exit 0', async () => {
    const dir = tempDir('flowbench-binary-');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: b\ntarget: { base_url: simulator, org_id: demo, flow_id: echo-fast }\nload: { concurency: 2 }\n');
    const [proc, inProc] = await both(['validate', bad]);
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/bad\.yaml:3:\d+: .*concurency/);
    expect(proc.stderr).toMatch(/fix: .*concurrency/);
    expect(proc.stderr).not.toMatch(/\n\s+at /);
    expect(inProc).toEqual(proc);

    writeFileSync(join(dir, 'rows.csv'), 'q\none\ntwo\n');
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'name: g\ntarget: { base_url: simulator, org_id: demo, flow_id: echo-fast, token: "binary-test-token" }\ndataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }\nmode: run\nload: { concurrency: 1 }\n',
    );
    const run = await runCli(['run', good, '--out', join(dir, 'out'), '--no-progress'], { spawn: true, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0); // the process ended by itself (runCli would have killed it at 30 s: code null)
    expect(run.stdout).toMatch(/verdict: pass; report: .*report\.json/);
  });
});
