// `flowbench compare BASE NEW`: a run against an earlier run — the same table, gates and exit codes as
// the comparison inside `flowbench run`.
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../errors/config-error.js';

export interface CompareFlags {
  failOn?: string[];
  alpha?: number;
  variant?: string[];
  seed?: number;
  json?: boolean;
}

/** `metric=limit` pairs -> a fail_on map (the limits are checked by the gate parser, with the same messages as in a suite). */
function failOnOf(list: string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^([^=]+)=(.+)$/.exec(item.trim());
    if (!m) throw new ConfigError(`--fail-on ${item}: not gate=limit`, {}, 'write e.g. --fail-on pass_rate_drop=0.02 --fail-on ttft_p95_increase=10%');
    out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

export async function compareCommand(base: string, next: string, flags: CompareFlags): Promise<number> {
  const failOn = failOnOf(flags.failOn);
  // Loaded when the command runs: every other command (and a mistake in the input) starts without it.
  const [{ compareReports }, { firedGateLines, renderComparisons }] = await Promise.all([
    import('../compare/compare-runs.js'),
    import('../report/compare-table.js'),
  ]);
  const result = await compareReports(base, next, {
    ...(failOn && { failOn }),
    ...(flags.alpha !== undefined && { alpha: flags.alpha }),
    ...(flags.variant?.length && { variants: flags.variant }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ verdict: result.verdict, comparisons: result.comparisons }, null, 2)}\n`);
    return result.exitCode;
  }
  process.stdout.write(`${renderComparisons(result.comparisons, { color: process.stdout.isTTY === true })}\n`);
  if (result.gatesFrom === 'none') process.stdout.write('no regression gates: pass --fail-on (e.g. pass_rate_drop=0.02) or set compare.fail_on in the suite\n');
  for (const line of firedGateLines(result.comparisons)) process.stdout.write(`${line}\n`);
  process.stdout.write(`verdict: ${result.verdict}\n`);
  return result.exitCode;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCompare(program: Command, exit: (code: number) => void): void {
  program
    .command('compare')
    .description('compare a run against an earlier run (pass rate, scores, TTFT, latency, metadata) with paired statistics and regression gates')
    .argument('<base>', 'the baseline run: a report folder or its report.json')
    .argument('<new>', 'the run to judge: a report folder or its report.json')
    .option(
      '--fail-on <gate=limit>',
      "regression gate (repeatable), e.g. pass_rate_drop=0.02, ttft_p95_increase=10%; default: the gates recorded in NEW's report.json",
      collect,
    )
    .option('--alpha <a>', "significance level of the gates (default: NEW's compare.alpha, else 0.05)", (v) => {
      const n = Number(v);
      if (!(n > 0 && n < 1)) throw new InvalidArgumentError('--alpha must be a number between 0 and 1');
      return n;
    })
    .option('--variant <name>', 'compare only this variant of NEW (repeatable)', collect)
    .option('--seed <n>', 'bootstrap seed (default 42)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--seed must be an integer >= 0');
      return n;
    })
    .option('--json', 'print the comparisons as JSON instead of tables')
    .addHelpText(
      'after',
      '\nRows pair by dataset row, iteration and variant name when both folders hold results.jsonl;\notherwise the HDR histograms and counts in report.json are compared (unpaired).\nExit codes: 0 no gate fired, 1 a gate fired, 2 bad arguments.\n\nExample:\n  flowbench compare reports/nightly-20260101 reports/nightly-20260102 --fail-on pass_rate_drop=0.02',
    )
    .action(async (base: string, next: string, flags: CompareFlags) => {
      exit(await compareCommand(base, next, flags));
    });
}
