// The flowbench command line as a function: build the commands, parse argv, run the one asked for, and
// return its exit code. The `flowbench` binary (main.ts) calls it once and exits; the tests call it in
// their own process, many times, to spare a Node start-up per command (docs/development.md).
import { flowbenchVersion } from '../version.js';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError, errorReport } from '../errors/config-error.js';
import { OUTPUT_EXIT_CODE, OutputError } from '../report/output-error.js';
import { registerCompletion } from './completion-command.js';
import { registerEnvFile } from './env-file.js';
import { registerInit } from './init-command.js';
import { registerRegrade } from './regrade-command.js';
import { registerPlan } from './plan-command.js';
import { registerReport } from './report-command.js';
import { registerCompare } from './compare-command.js';
import { registerMerge } from './merge-command.js';
import { registerTrace } from './trace-command.js';
import { capYoungGeneration } from '../worker/young-generation.js';

function int(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function positive(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a number > 0`);
    return n;
  };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface FlowbenchOptions {
  /**
   * true for the binary: this command owns its process, so `run` may tune the process's V8 heap
   * (capYoungGeneration). A caller's process (the tests) is left alone.
   */
  ownsProcess?: boolean;
}

/** Runs one flowbench command line (`argv` as process.argv: node, script, then the arguments); its exit code. */
export async function runFlowbench(argv: readonly string[], opts: FlowbenchOptions = {}): Promise<number> {
  let code = 0;
  const exit = (c: number): void => {
    code = c;
  };
  const program = new Command('flowbench')
    .description('Load-test and evaluate StackAI flows: regression evaluation, TTFT/latency benchmarks, draft vs published.')
    .version(flowbenchVersion())
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`flowbench: ${str.replace(/^error: /, 'error: ')}`) })
    .addHelpText(
      'after',
      '\nExamples:\n  flowbench init && flowbench run flowbench.yaml   # a starter suite, run against the embedded simulator\n  flowbench --env-file .env run suites/demo.yaml --base-url https://api.stack-ai.com\n\nEvery command has --help. Docs: README.md, docs/suite-reference.md, docs/recipes.md (in the package).',
    );

  program
    .command('run')
    .description('run a suite and write results.jsonl, report.json and the summary table')
    .argument('<suite>', 'suite YAML file')
    .option('--base-url <url>', 'override target.base_url ("simulator" or https://api.stack-ai.com)')
    .option('--concurrency <n>', 'override load.concurrency', int('--concurrency', 1))
    .option('--rate <rps>', 'open loop: requests per second (overrides load.rate, stages and sweep)', positive('--rate'))
    .option('--arrival <kind>', 'open-loop arrivals: constant | poisson')
    .option('--requests <n>', 'stop after this many requests (load.requests)', int('--requests', 1))
    .option('--duration <d>', 'override load.duration (e.g. 30s, 2m)')
    .option('--limit <n>', 'override dataset.limit', int('--limit', 1))
    .option('--repeat <n>', "run every row N times per variant (the suite's repeat): pass@1, pass^N, consistency, flaky rows", int('--repeat', 1))
    .option('--variant <name>', 'run only this variant (repeatable)', collect)
    .option('--mode <mode>', 'override mode: run | stream | sso-stream')
    .option('--out <dir>', "report folder (default: the suite's report.dir)")
    .option('--threads <n>', 'worker threads (default: one per core but one, at least one; 0: requests on the main thread)', int('--threads', 0))
    .option('--shard <i/n>', 'run only shard I of N (1-based) at 1/N of the load; combine the shards with flowbench merge')
    .option(
      '--start-at <time>',
      'after start-up, wait until TIME (ISO 8601 with a zone, or +30s from now) to start the load: shards started apart begin together',
    )
    .option('--resume <dir>', 'finish the interrupted run in DIR: send only what its results.jsonl lacks, then rebuild the reports')
    .option('--force', 'replace the run the report folder already holds (without it, running into such a folder is refused)')
    .option('--no-progress', 'no progress output')
    .option('--baseline <dir>', "also compare every variant against this saved run (report folder or report.json), with the suite's gates")
    .option('--no-feedback', 'post no feedback to StackAI, whatever the suite says')
    .option('--dry-run', 'post no feedback; print each feedback text that would be posted')
    .option('--no-cache', 'make every judge call: read and write no judge cache (see docs/regrade.md)')
    .option('--max-runs <n>', 'budget.max_runs: refuse a run that plans more flow runs, stop one that reaches it (docs/cost.md)', int('--max-runs', 1))
    .option(
      '--metrics-port <n>',
      'metrics.port: serve live Prometheus metrics on 127.0.0.1:N/metrics during the run; 0 = a free port, printed (docs/live-metrics.md)',
      int('--metrics-port', 0),
    )
    .option('--checkpoint <d>', 'report.checkpoint: rewrite the partial report.json and summary.md this often during the run (default 60s; 0 or off: none)')
    .addHelpText('after', '\nExample:\n  flowbench run suites/demo.yaml --concurrency 16 --out reports/try1')
    .action(async (suite: string, flags) => {
      if (opts.ownsProcess) capYoungGeneration();
      // The suite loader and what runs it load with the command that needs them (about 0.15 s of CPU that
      // --help, --version and the commands that read a saved run skip).
      const { runCommand } = await import('./run-command.js');
      exit(await runCommand(suite, flags));
    });

  program
    .command('validate')
    .description('check a suite and its dataset without sending any request')
    .argument('<suite>', 'suite YAML file')
    .option('--shard <i/n>', "check the load as shard I of N would run it (the load caps apply to each shard's share)")
    .addHelpText('after', '\nExample:\n  flowbench validate suites/demo.yaml')
    .action(async (suite: string, flags: { shard?: string }) => {
      const { validateCommand } = await import('./validate-command.js');
      exit(await validateCommand(suite, flags));
    });

  program
    .command('simulate')
    .description('run the StackAI simulator on its own')
    .option('--port <n>', 'port to listen on (0 = any free port)', int('--port', 0), 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--flows <file>', 'flows YAML (default: the bundled demo flows)')
    .option('--seed <n>', 'seed for answers and jitter', int('--seed', 0), 42)
    .option('--token <token>', 'accept only this Bearer token (default: $STACKAI_API_KEY, else any non-empty token)')
    .option(
      '--fault <key=value>',
      'inject a fault into every flow, seeded (repeatable), e.g. http_429_rate=0.2, stall_rate=0.1, stall_s=3; see docs/faults.md',
      collect,
    )
    .addHelpText(
      'after',
      '\nExample:\n  flowbench simulate --port 8787 &\n  flowbench run suites/demo.yaml --base-url http://127.0.0.1:8787\n  flowbench simulate --fault http_429_rate=0.3 --fault retry_after_s=1',
    )
    .action(async (flags) => {
      const { simulateCommand } = await import('./simulate-command.js');
      await simulateCommand(flags);
    });

  registerPlan(program, exit);
  registerReport(program, exit);
  registerRegrade(program, exit);
  registerInit(program, exit);
  registerCompletion(program); // its script is built when it runs, from every command and flag registered
  registerEnvFile(program);

  registerCompare(program, exit);
  registerMerge(program, exit);
  registerTrace(program, exit);

  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every usage mistake is exit 2 (DESIGN §3).
      code = err.exitCode === 0 ? 0 : 2;
    } else if (err instanceof ConfigError) {
      process.stderr.write(errorReport(err));
      code = 2;
    } else if (err instanceof OutputError) {
      // results.jsonl or a report could not be written (disk full, I/O error): named, with what to do.
      process.stderr.write(err.report());
      code = OUTPUT_EXIT_CODE;
    } else {
      process.stderr.write(`flowbench: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      code = 3;
    }
  }
  return code;
}
