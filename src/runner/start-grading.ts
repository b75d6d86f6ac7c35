// Starts the grading pool for a suite that has graders: sized by the cores the request threads leave,
// judge calls made with the run's own target, every grader's time limit held by its watchdog. The output
// tokens a server did not report of the records it grades are counted by the run's token thread, when given.
import { availableParallelism } from 'node:os';
import { startGradingPool, type GradingPool } from '../grading/grading-pool.js';
import { judgeCacheSettings } from '../grading/judge-cache-settings.js';
import { DEFAULT_FLOWS_FILE } from '../simulator/start.js';
import type { RunStatsDelta } from '../metrics/run-stats.js';
import type { TokenThread } from '../metrics/token-thread.js';
import type { Suite } from '../suite/types.js';
import { fixedHeaders } from '../worker/row-headers.js';
import { extrasSpecOf } from './extras-spec.js';

export function gradingThreads(requestThreads: number | undefined): number {
  const cores = availableParallelism();
  const req = requestThreads ?? Math.max(1, cores - 1);
  return Math.max(1, cores - 1 - req);
}

export async function startGrading(
  suite: Suite,
  target: { baseUrl: string; token: string },
  stallMs: number,
  complete: boolean,
  stats: (d: RunStatsDelta) => void,
  requestThreads: number | undefined,
  judgeCache = true,
  tokens: TokenThread | null = null,
): Promise<GradingPool> {
  const hasJudge = suite.graders.some((g) => g.type === 'judge' || g.type === 'not-judge');
  // Judge answers are cached unless --no-cache; the flow under test never is.
  const cache = hasJudge ? judgeCacheSettings(suite.target, DEFAULT_FLOWS_FILE, judgeCache) : null;
  return startGradingPool(
    {
      graders: suite.graders,
      suiteDir: suite.dir,
      passScore: suite.passScore,
      variantCount: suite.variants.length,
      complete,
      stallMs,
      extras: extrasSpecOf(suite),
      tokens: { outputTokens: suite.metadata.outputTokens, inputTokens: suite.metadata.inputTokens },
      judge: {
        baseUrl: target.baseUrl,
        token: target.token,
        orgId: suite.target.orgId,
        stream: suite.stream,
        timeoutMs: suite.load.timeoutMs,
        retries: suite.load.retries,
        connections: 8,
        headers: fixedHeaders(suite.target.headers),
        fetchUsage: suite.cost != null,
      },
      judgeCache: cache,
    },
    gradingThreads(requestThreads),
    { stats },
    tokens,
  );
}
