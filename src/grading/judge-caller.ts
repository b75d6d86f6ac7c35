// The judge grader's calls: another flow run through the grading thread's own StackAI client, with the
// same retries and timeout as the flow under test, timed apart so they never enter the run's statistics.
import { nowMs } from '../clock/clock.js';
import { modelUsage } from '../metrics/cost.js';
import type { StackAIClient } from '../stackai/client.js';
import type { StreamOptions } from '../stackai/types.js';
import type { JudgeCaller } from '../grade/types.js';
import { shouldRetry, withRetries } from '../worker/retry-policy.js';

export interface JudgeSettings {
  orgId: string;
  stream: StreamOptions;
  timeoutMs: number;
  retries: number;
  /** Fetch a judge run's metadata for its llm_usage (the suite prices runs): its cost is counted apart. */
  fetchUsage?: boolean;
}

/** Judges run in `run` mode: one JSON answer, no streaming needed to read a score. */
export function judgeCaller(config: JudgeSettings, client: StackAIClient): JudgeCaller {
  return async (req) => {
    const start = nowMs();
    const log = await withRetries(
      {
        retry: (outcome, attempt) => shouldRetry(outcome, attempt, config.retries),
        retryAfterMs: (outcome) => outcome.retryAfterMs,
      },
      () =>
        client.invoke({
          mode: 'run',
          orgId: config.orgId,
          flowId: req.flowId,
          inputs: req.inputs,
          ...(req.version === null ? {} : { version: req.version }),
          stream: config.stream,
          timeoutMs: config.timeoutMs,
        }),
    );
    const outcome = log[log.length - 1]!.result;
    const attempts = log.length;
    // Redacted before it is cut (a cut secret would escape the search) and before it becomes a grade's reason.
    const output = client.redactor().text(outcome.outputs[req.output] ?? '');
    const missing =
      outcome.ok && !(req.output in outcome.outputs)
        ? `the judge's answer has no output "${req.output}" (keys: ${Object.keys(outcome.outputs).join(', ') || 'none'})`
        : null;
    // The judge's own tokens, so its runs' cost is counted apart from the flow's; a failed GET leaves it unknown.
    let usage: ReturnType<typeof modelUsage> = null;
    if (config.fetchUsage && outcome.runId) {
      const m = await client.getMetadata(config.orgId, req.flowId, outcome.runId, config.timeoutMs);
      if (m.ok) usage = modelUsage(m.metadata) ?? [];
    }
    return {
      flowId: req.flowId,
      runId: outcome.runId,
      ...(usage !== null && { usage }),
      ok: outcome.ok && missing === null,
      attempts,
      latencyMs: Math.round((outcome.endAt - start) * 1000) / 1000,
      output: output.length > 500 ? `${output.slice(0, 500)}…` : output,
      error: outcome.error ? `${outcome.error.kind}: ${outcome.error.message}` : missing,
    };
  };
}
