// The order vitest starts the test files in. Four run at a time (vitest.config.ts), so the suite ends when
// its last long file does: a file of 40 s of waiting started near the end keeps the run going after the
// others are done. vitest starts the longest first once its cache holds the last run's durations, but a
// clean clone (CI) has none and starts the largest files first, which are not the longest: `npm test` took
// 179 s there against 163-168 s with the cache (BENCHMARKS.md). So the files that took longest on this
// 2-core machine go first, slowest first; the others follow in vitest's own order. A file missing from the
// list, or a list gone stale, only costs time, never a test.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Test files by wall time, slowest first (FLOWBENCH_TEST_CPU_LOG, docs/development.md): all over 11 s. */
const SLOWEST_FIRST = [
  'test/e2e/simulator-run.test.ts',
  'test/e2e/no-hang.test.ts',
  'test/engine/engine-safety.test.ts',
  'test/e2e/replay.test.ts',
  'test/e2e/resume.test.ts',
  'test/browser/report-page.test.ts',
  'test/shard/start-at.test.ts',
  'test/runner/load-models.test.ts',
  'test/package/packed.test.ts',
  'test/docs/recipes.test.ts',
  'test/e2e/evaluation.test.ts',
  'test/e2e/prometheus-scrape.test.ts',
  'test/api/library.test.ts',
  'test/e2e/regrade.test.ts',
  'test/e2e/sweep-verdict.test.ts',
];

export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.findIndex((p) => f.moduleId.endsWith(`/${p}`));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    const rest = await super.sort(files.filter((f) => rank(f) === SLOWEST_FIRST.length));
    return [...files.filter((f) => rank(f) < SLOWEST_FIRST.length).sort((a, b) => rank(a) - rank(b)), ...rest];
  }
}
