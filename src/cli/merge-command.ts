// `flowbench merge DIR... --out DIR`: one report from the shard folders of a `--shard I/N` run,
// with the same table, thresholds, gates and exit codes as one big run.
import type { Command } from 'commander';

export async function mergeCommand(dirs: string[], out: string): Promise<number> {
  // Loaded when the command runs: every other command (and a mistake in the input) starts without it.
  const [{ mergeShards }, { appendStepSummary }, { renderTable }] = await Promise.all([
    import('../merge/merge-shards.js'),
    import('../report/markdown-summary.js'),
    import('../report/table.js'),
  ]);
  const { report, exitCode } = await mergeShards(dirs, out);
  process.stdout.write(`${renderTable(report, { color: process.stdout.isTTY === true })}\n`);
  for (const t of report.thresholds.filter((x) => !x.ok)) {
    process.stdout.write(
      `threshold failed: ${t.variant} ${t.metric} ${t.op} ${t.limit} (actual ${t.actual === null ? 'not measured' : Number(t.actual.toPrecision(4))})\n`,
    );
  }
  // How far apart the shards' loads started (their clocks' starts): a fleet started without --start-at
  // ramps unevenly, and its per-second timeline smears by about this much.
  const skew = report.startSkewMs === undefined ? '' : `; start skew ${Math.round(report.startSkewMs)} ms`;
  process.stdout.write(`merged ${report.mergedShards?.length ?? 0} shards${skew}; verdict: ${report.verdict}; report: ${out}/report.json\n`);
  // The merged verdict is the one the job page should show (summary.md is already in the folder:
  // mergeShards writes every report format, as run does).
  await appendStepSummary(report);
  return exitCode;
}

export function registerMerge(program: Command, exit: (code: number) => void): void {
  program
    .command('merge')
    .description('combine the report folders of a sharded run (flowbench run --shard I/N) into one report')
    .argument('<dirs...>', 'the shard report folders, one per shard')
    .requiredOption('--out <dir>', 'folder for the merged report')
    .addHelpText(
      'after',
      '\nExample:\n  for i in 1 2 3 4; do flowbench run suites/demo.yaml --shard $i/4 --out shards/$i & done; wait\n  flowbench merge shards/* --out merged',
    )
    .action(async (dirs: string[], flags: { out: string }) => {
      exit(await mergeCommand(dirs, flags.out));
    });
}
