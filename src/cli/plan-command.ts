// `flowbench plan SUITE`: what a run of the suite will send and cost, before it sends anything (the
// same plan every run prints first); exit 2 when the plan is over the suite's budget.
import { type Command, InvalidArgumentError } from 'commander';
import type { SuiteOverrides } from '../suite/types.js';

export interface PlanFlags {
  limit?: number;
  requests?: number;
  variant?: string[];
  maxRuns?: number;
  /** A saved run (report folder or report.json) whose tokens per request estimate the cost. */
  from?: string;
}

export async function planCommand(file: string, flags: PlanFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const overrides: SuiteOverrides = {
    ...(flags.limit !== undefined && { limit: flags.limit }),
    ...(flags.requests !== undefined && { requests: flags.requests }),
    ...(flags.variant !== undefined && { variants: flags.variant }),
    ...(flags.maxRuns !== undefined && { maxRuns: flags.maxRuns }),
  };
  const [{ loadSuite }, { readRows }] = await Promise.all([import('../suite/load-suite.js'), import('../dataset/read-rows.js')]);
  const suite = await loadSuite(file, { overrides });
  const [{ plannedWork }, { planLine, planRun }, { budgetRefusal }, { loadSavedRun }] = await Promise.all([
    import('../runner/planned.js'),
    import('../runner/run-plan.js'),
    import('../runner/budget.js'),
    import('../compare/saved-run.js'),
  ]);
  let rows = 0;
  for await (const _ of readRows(suite.dataset)) rows++;
  const saved = flags.from === undefined ? undefined : { report: (await loadSavedRun(flags.from)).report, source: flags.from };
  const plan = planRun(suite, rows, plannedWork(suite, rows), saved);
  out.write(`${planLine(plan)}\n`);
  if (suite.budget) {
    const b = suite.budget;
    out.write(
      `budget: ${b.maxRuns === null ? '' : `max_runs ${b.maxRuns}`}${b.maxRuns !== null && b.maxCostUsd !== null ? ', ' : ''}${b.maxCostUsd === null ? '' : `max_cost_usd $${b.maxCostUsd}`}\n`,
    );
  }
  const refusal = budgetRefusal(suite, plan);
  if (refusal !== null) throw refusal;
  return 0;
}

function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1`);
    return n;
  };
}

export function registerPlan(program: Command, exit: (code: number) => void): void {
  program
    .command('plan')
    .description(
      'say what a run of the suite will send and cost (flow runs, metadata GETs, judge runs, feedback posts, length, estimated cost), sending nothing',
    )
    .argument('<suite>', 'suite YAML file')
    .option('--limit <n>', 'override dataset.limit', int('--limit'))
    .option('--requests <n>', 'stop after this many requests (load.requests)', int('--requests'))
    .option('--variant <name>', 'plan only this variant (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--max-runs <n>', 'budget.max_runs', int('--max-runs'))
    .option('--from <dir>', "estimate the cost with this saved run's tokens per request (report folder or report.json)")
    .addHelpText('after', '\nExample:\n  flowbench plan suites/demo.yaml\n  flowbench plan suites/demo.yaml --from reports/demo-20260101-120000')
    .action(async (suite: string, flags: PlanFlags) => {
      exit(await planCommand(suite, flags));
    });
}
