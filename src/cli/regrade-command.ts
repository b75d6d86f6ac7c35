// `flowbench regrade DIR`: grades a run's saved outputs again (graders, pass rules, thresholds,
// comparisons and every report) into a new folder, with no flow call (src/runner/regrade.ts).
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FeedbackOptions } from '../runner/feedback-poster.js';

export interface RegradeFlags {
  suite?: string;
  out?: string;
  force?: boolean;
  postFeedback?: boolean;
  dryRun?: boolean;
  /** false with --no-cache. */
  cache?: boolean;
}

const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
};

export async function regradeCommand(dir: string, flags: RegradeFlags): Promise<number> {
  // Loaded when the command runs: every other command (and a mistake in the input) starts without them.
  const [{ loadSuite }, { regradeRun }, { renderTable }, { firedGateLines, renderComparisons }] = await Promise.all([
    import('../suite/load-suite.js'),
    import('../runner/regrade.js'),
    import('../report/table.js'),
    import('../report/compare-table.js'),
  ]);
  const suite = flags.suite === undefined ? undefined : await loadSuite(flags.suite);
  // Tokens are never recorded: the suite file the run named gives them again, when it still loads.
  const secrets = suite === undefined ? await recordedSecrets(dir, loadSuite) : undefined;
  const feedback: FeedbackOptions | undefined = flags.dryRun === true ? { dryRun: true } : undefined;
  const out = await regradeRun(dir, {
    ...(suite !== undefined && { suite }),
    ...(secrets !== undefined && { secrets }),
    ...(flags.out !== undefined && { outDir: flags.out }),
    ...(flags.force === true && { force: true }),
    ...((flags.postFeedback === true || flags.dryRun === true) && { postFeedback: true }),
    ...(feedback !== undefined && { feedback }),
    ...(flags.cache === false && { judgeCache: false }),
  });
  const { report } = out;
  process.stdout.write(`${renderTable(report, { color: process.stdout.isTTY === true })}\n`);
  const judged = report.variants.map((v) => v.judge).filter((j) => j !== null && j !== undefined);
  const calls = judged.reduce((a, j) => a + j.calls, 0);
  const cached = judged.reduce((a, j) => a + (j.cached ?? 0), 0);
  const judge = judged.length ? `; judge: ${calls} call${calls === 1 ? '' : 's'} made, ${cached} answer${cached === 1 ? '' : 's'} from the cache` : '';
  if (out.tornLine !== null)
    process.stderr.write(`note: line ${out.tornLine} of ${dir}/results.jsonl is torn (the run was killed while writing it): left out\n`);
  process.stdout.write(`regraded ${out.regraded} outputs of ${dir} (${out.kept} failed requests kept as they were), no flow call${judge}\n`);
  for (const t of report.thresholds.filter((x) => !x.ok)) {
    process.stdout.write(
      `threshold failed: ${t.variant} ${t.metric} ${t.op} ${t.limit} (actual ${t.actual === null ? 'not measured' : Number(t.actual.toPrecision(4))})\n`,
    );
  }
  if (report.comparisons.length) process.stdout.write(`\n${renderComparisons(report.comparisons, { color: process.stdout.isTTY === true })}\n`);
  for (const line of firedGateLines(report.comparisons)) process.stdout.write(`${line}\n`);
  process.stdout.write(
    `verdict: ${report.verdict}${report.partial ? ' (partial run)' : ''}; report: ${shown(out.dir)}/report.json; compare: flowbench compare ${dir} ${shown(out.dir)}\n`,
  );
  return out.exitCode;
}

/** The token and header values of the suite file the run recorded; undefined when it no longer loads. */
async function recordedSecrets(
  dir: string,
  load: (file: string) => Promise<{ target: { token: string; headers: Record<string, string> } }>,
): Promise<{ token: string; headers: Record<string, string> } | undefined> {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'run-manifest.json'), 'utf8')) as { suiteFile?: unknown };
    if (typeof manifest.suiteFile !== 'string') return undefined;
    const s = await load(manifest.suiteFile);
    return { token: s.target.token, headers: s.target.headers };
  } catch {
    return undefined; // the regrade says what is wrong with the folder itself
  }
}

export function registerRegrade(program: Command, exit: (code: number) => void): void {
  program
    .command('regrade')
    .description("grade a run's saved outputs again (graders, pass rules, thresholds, comparisons, every report) into a new folder, with no flow call")
    .argument('<dir>', 'a report folder written by `flowbench run`')
    .option(
      '--suite <file>',
      'grade with this suite: it may change graders, pass_score, thresholds, max_error_rate, compare and feedback only (default: the suite the run recorded)',
    )
    .option('--out <dir>', 'the new folder (default: DIR-regrade)')
    .option('--force', 'replace what --out already holds')
    .option('--post-feedback', "post the new grades as StackAI feedback, as the suite's feedback settings say (default: nothing is posted)")
    .option('--dry-run', 'with feedback: print each feedback text that would be posted, post nothing')
    .option('--no-cache', 'make every judge call: read and write no judge cache')
    .addHelpText(
      'after',
      '\nExample:\n  flowbench regrade reports/demo-20260101-120000 --suite suites/demo.yaml --out reports/demo-regraded\n  flowbench compare reports/demo-20260101-120000 reports/demo-regraded\n\nExit codes: 0 every threshold holds, 1 one fails, 2 the folder or the suite is wrong (a change that needs new flow calls is refused).',
    )
    .action(async (dir: string, flags: RegradeFlags) => {
      exit(await regradeCommand(dir, flags));
    });
}
