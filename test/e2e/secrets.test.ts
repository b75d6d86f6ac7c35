// The canary scan: every fault, every mode (the sso-stream sends the token in the URL), a wrong token,
// a refused connection and an unresolvable host, all with a canary token; then stdout, stderr and every
// file the run wrote are searched for it in every encoding. Nothing may be found.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type LocalSimulatorHandle } from '../../src/simulator/start.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { FAULT_FLOWS, question } from '../faults/helpers.js';

const CANARY = 'fbCANARY-9f3k/Zq+w=x!tok';
const FORMS = [CANARY, encodeURIComponent(CANARY), new URLSearchParams({ t: CANARY }).toString().slice(2), CANARY.slice(0, 12), CANARY.slice(-10)];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every place the canary was found: "stdout", "stderr" or a file path, with the form found. */
function leaks(cli: CliResult, dir: string): string[] {
  const found: string[] = [];
  const scan = (where: string, text: string) => {
    for (const f of FORMS) if (text.includes(f)) found.push(`${where}: ${f}`);
  };
  scan('stdout', cli.stdout);
  scan('stderr', cli.stderr);
  for (const file of filesUnder(dir)) if (!file.endsWith('suite.yaml')) scan(file, readFileSync(file, 'latin1') + readFileSync(file, 'utf8'));
  return found;
}

async function run(opts: { flow: string; mode: string; baseUrl: string; rows?: number; load?: string }): Promise<{ cli: CliResult; dir: string }> {
  const dir = tempDir('flowbench-canary-');
  const rows = opts.rows ?? 40;
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: rows }, (_, i) => question(i)).join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: canary
target:
  base_url: ${opts.baseUrl}
  org_id: demo
  flow_id: ${opts.flow}
  token: \${FB_CANARY_TOKEN}
  simulator: { flows: ${JSON.stringify(FAULT_FLOWS)} }
dataset:
  path: rows.csv
  inputs: { in-0: "{{question}}" }
mode: ${opts.mode}
# Faults are the point here, and how many end in errors depends on the machine's load (the timeouts
# below are short): the run is not held to an error rate, so exit 0 means nothing went fatally wrong.
max_error_rate: 1
metadata: true
feedback: { post: true }
graders: [{ type: contains, value: question }]
load:
  concurrency: 8
  retries: 1
  timeout: 5s
  idle_timeout: 500ms
  first_byte_timeout: 500ms
${opts.load ?? ''}
`,
  );
  const cli = await runCli(['run', join(dir, 'suite.yaml'), '--out', join(dir, 'out'), '--no-progress', '--threads', '1'], {
    env: { FB_CANARY_TOKEN: CANARY },
  });
  return { cli, dir };
}

let external: LocalSimulatorHandle;
let wrongToken: LocalSimulatorHandle;
beforeAll(async () => {
  external = await startSimulator({ flowsFile: FAULT_FLOWS, token: CANARY });
  wrongToken = await startSimulator({ flowsFile: FAULT_FLOWS, token: 'some-other-token' });
});
afterAll(async () => {
  await external.close();
  await wrongToken.close();
});

describe.concurrent('canary token scan', () => {
  it.each(['stream', 'sso-stream', 'run'])('every fault through the embedded simulator, %s mode', async (mode) => {
    const { cli, dir } = await run({ flow: 'fault-everything', mode, baseUrl: 'simulator' });
    expect(cli.code, cli.stderr).toBe(0); // no thresholds: faults are reported, not fatal
    const kinds = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')).variants[0].errorKinds as Record<string, number>;
    expect(Object.keys(kinds).length, JSON.stringify(kinds)).toBeGreaterThanOrEqual(4); // many fault paths really ran
    expect(leaks(cli, dir)).toEqual([]);
  });

  it('every fault over real HTTP to a URL base, sso-stream (the token rides in ?token=)', async () => {
    const { cli, dir } = await run({ flow: 'fault-everything', mode: 'sso-stream', baseUrl: external.url });
    expect(cli.stdout).toMatch(/verdict/);
    const results = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8');
    expect(results).toMatch(/"ok":true/); // the token was accepted: requests really went through
    expect(leaks(cli, dir)).toEqual([]);
  });

  it('a rejected token, a refused connection and an unresolvable plain-http host', async () => {
    const cases = await Promise.all([
      run({ flow: 'steady', mode: 'sso-stream', baseUrl: wrongToken.url, rows: 4 }),
      run({ flow: 'steady', mode: 'stream', baseUrl: 'http://127.0.0.1:1', rows: 4 }),
      run({ flow: 'steady', mode: 'sso-stream', baseUrl: 'http://flowbench-canary.invalid', rows: 2, load: '  connect_timeout: 2s' }),
    ]);
    const [rejected, refused, unresolvable] = cases;
    expect(readFileSync(join(rejected.dir, 'out', 'results.jsonl'), 'utf8')).toMatch(/"kind":"http_401"/);
    expect(readFileSync(join(refused.dir, 'out', 'results.jsonl'), 'utf8')).toMatch(/"kind":"connect"/);
    expect(unresolvable.cli.stderr).toMatch(/warning: the API token is sent over plain http:\/\/ to flowbench-canary\.invalid/);
    expect(refused.cli.stderr).not.toMatch(/plain http/); // loopback is this machine
    for (const c of cases) expect(leaks(c.cli, c.dir)).toEqual([]);
  });
});
