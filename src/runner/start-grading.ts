// Starts the grading pool for a suite that has graders: sized by the cores the request threads leave,
// judge calls made with the run's own target, every grader's time limit held by its watchdog. It also
// counts the output tokens a server did not report of the records it grades.
import { availableParallelism } from 'node:os';
import { startGradingPool, type GradingPool } from '../grading/grading-pool.js';
import type { RunStatsDelta } from '../metrics/run-stats.js';
import type { Suite } from '../suite/types.js';
import { fixedHeaders } from '../worker/row-headers.js';
import { extrasSpecOf } from './extras-spec.js';

export function gradingThreads(requestThreads: number | undefined): number {
  const cores = availableParallelism();
  const req = requestThreads ?? Math.max(1, cores - 1);
  return Math.max(1, cores - 1 - req);
}

export function startGrading(
  suite: Suite,
  target: { baseUrl: string; token: string },
  stallMs: number,
  complete: boolean,
  stats: (d: RunStatsDelta) => void,
  requestThreads: number | undefined,
): Promise<GradingPool> {
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
      },
    },
    gradingThreads(requestThreads),
    { stats },
  );
}
