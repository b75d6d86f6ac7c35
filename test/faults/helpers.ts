// Fault-test helpers: which input draws which fault (from the simulator's own seeded plan), raw HTTP calls,
// and a suite runner that spawns the built CLI against suites/faults.flows.yaml.
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadFlows } from '../../src/simulator/flows.js';
import { resolveVariant } from '../../src/simulator/resolve-variant.js';
import { planResponse, type Fault } from '../../src/simulator/plan.js';
import { outputSchemaError, ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';

export const FAULT_FLOWS = resolve(ROOT, 'suites/faults.flows.yaml');
export const SEED = 42;
const config = loadFlows(FAULT_FLOWS, { seed: SEED });

/** The input text of dataset row i (the flows echo it). */
export const question = (i: number): string => `question number ${i} about refunds and returns`;

/** The fault the simulator plans for `input` on its `counter`-th request (0 = first attempt). */
export function faultOf(flowId: string, input: string, counter = 0): Fault {
  const flow = config.flows.get(flowId)!;
  return planResponse(SEED, flow, resolveVariant(flow, -1, false)!, { 'in-0': input }, counter).fault;
}

/** The `nth` (from 0) row index whose first attempt draws `fault`. */
export function rowWith(flowId: string, fault: Fault, nth = 0): number {
  let seen = 0;
  for (let i = 0; i < 500; i++) if (faultOf(flowId, question(i)) === fault && seen++ === nth) return i;
  throw new Error(`no row draws ${fault} on ${flowId}`);
}

export interface RawResponse {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes as they arrived, chunk by chunk. */
  chunks: Buffer[];
  text: string;
  /** A socket error, if the connection broke. */
  error: string | null;
}

/** POSTs JSON and records exactly what came back, including a connection that breaks. */
export function rawPost(url: string, body: unknown, token = 'fault-test-token'): Promise<RawResponse> {
  return new Promise((done) => {
    const out: RawResponse = { status: null, headers: {}, chunks: [], text: '', error: null };
    const finish = (): void => {
      out.text = Buffer.concat(out.chunks).toString('utf8');
      done(out);
    };
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
      out.status = res.statusCode ?? null;
      out.headers = res.headers;
      res.on('data', (c: Buffer) => out.chunks.push(c));
      res.on('end', finish);
      res.on('error', (e) => {
        out.error = e.message;
        finish();
      });
      res.on('aborted', () => (out.error ??= 'aborted'));
    });
    req.on('error', (e) => {
      out.error = e.message;
      finish();
    });
    req.end(JSON.stringify(body));
  });
}

export interface SuiteRun {
  dir: string;
  out: string;
  cli: CliResult;
}

/** Writes a suite over `rows` echo questions against one fault flow; returns its folder, file and report folder. */
function writeFaultSuite(flowId: string, rows: number, load: Record<string, unknown>, extra: string): { dir: string; file: string; out: string } {
  const dir = tempDir('flowbench-fault-');
  writeFileSync(join(dir, 'rows.csv'), `question\n${Array.from({ length: rows }, (_, i) => question(i)).join('\n')}\n`);
  const loadYaml = Object.entries({ concurrency: 4, retries: 2, timeout: '20s', ...load })
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `name: fault-${flowId}
target:
  flow_id: ${flowId}
  simulator: { flows: ${JSON.stringify(FAULT_FLOWS)}, seed: ${SEED} }
dataset:
  path: rows.csv
  inputs: { in-0: "{{question}}" }
load:
${loadYaml}
${extra}`,
  );
  return { dir, file: join(dir, 'suite.yaml'), out: join(dir, 'out') };
}

/** Writes a suite over `rows` echo questions against one fault flow and runs it with the CLI. */
export async function runFaultSuite(
  flowId: string,
  rows: number,
  load: Record<string, unknown> = {},
  extra = '',
  env: NodeJS.ProcessEnv = {},
): Promise<SuiteRun> {
  const { dir, file, out } = writeFaultSuite(flowId, rows, load, extra);
  const cli = await runCli(['run', file, '--out', out, '--no-progress', '--threads', '1'], { env });
  return { dir, out, cli };
}

/**
 * The same suite run in this process through the library (dist/index.js), as `flowbench run --threads 1`
 * would run it, without a CLI process's start-up (about half a second of CPU each): for tests of kinds,
 * counts and exit codes that need nothing the CLI prints. Its files are checked against schema/ as
 * runCli checks them.
 */
export async function runFaultSuiteInProcess(
  flowId: string,
  rows: number,
  load: Record<string, unknown> = {},
  extra = '',
): Promise<{ out: string; exitCode: number }> {
  const { file, out } = writeFaultSuite(flowId, rows, load, extra);
  const startedMs = Date.now();
  const lib = (await import(join(ROOT, 'dist/index.js'))) as typeof import('../../src/index.js');
  const { exitCode } = await lib.runSuite(file, { outDir: out, threads: 1 });
  const invalid = outputSchemaError([out], startedMs);
  if (invalid !== null) throw invalid;
  return { out, exitCode };
}
