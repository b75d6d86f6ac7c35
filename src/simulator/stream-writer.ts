// Sends a planned answer as a stream: progress-only frames, content frames, then completion, each on its own timer.
import type { ServerResponse } from 'node:http';
import { nowMs } from '../metrics/clock.js';
import type { ResponsePlan } from './plan.js';
import type { RunState } from './run-store.js';
import { encodeFrame, progressAt, progressOutput, streamFrame, type WireFrame } from './wire.js';

export interface StreamJob {
  res: ServerResponse;
  runId: string;
  outputKey: string;
  plan: ResponsePlan;
  sse: boolean;
  delta: boolean;
  /** When the request arrived (shared clock, ms): all plan times count from here. */
  startedAt: number;
  /** Called once, with the text actually sent. */
  onEnd(state: RunState, error: string | null, sent: string): void;
}

type Step = { at: number; frame: () => WireFrame } | { at: number; drop: true };

export const FLOW_ERROR = 'Simulated failure in node LLM: the model provider returned an error';

/** Starts streaming; timers are cleared if the client goes away first. */
export function writeStream(job: StreamJob): void {
  const { res, plan, runId, outputKey } = job;
  let sent = '';
  let ended = false;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  const end = (state: RunState, error: string | null): void => {
    if (ended) return;
    ended = true;
    job.onEnd(state, error, sent);
  };

  const steps: Step[] = plan.progressAt.map((at, k) => ({ at, frame: () => streamFrame(runId, {}, progressAt(k)) }));
  const failing = plan.fault === 'error' || plan.fault === 'disconnect';
  const shown = failing ? plan.chunks.slice(0, plan.failAfterChunks) : plan.chunks;
  for (const chunk of shown) {
    steps.push({
      at: chunk.at,
      frame: () => {
        sent += chunk.text;
        return streamFrame(runId, { [outputKey]: job.delta ? chunk.text : sent }, progressOutput(false));
      },
    });
  }
  const failAt = plan.chunks[plan.failAfterChunks]?.at ?? plan.endAt;
  if (plan.fault === 'disconnect') {
    steps.push({ at: failAt, drop: true });
  } else if (plan.fault === 'error') {
    steps.push({ at: failAt, frame: () => streamFrame(runId, {}, progressOutput(false), 'FAILED', FLOW_ERROR) });
  } else {
    steps.push({
      at: plan.endAt,
      frame: () => streamFrame(runId, job.delta || sent === '' ? {} : { [outputKey]: sent }, progressOutput(true), 'COMPLETED'),
    });
  }

  res.on('close', () => {
    if (timer !== undefined) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
    }
    end('CANCELLED', 'client disconnected');
  });

  res.writeHead(200, {
    'content-type': job.sse ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-cache',
  });

  let i = 0;
  const run = (): void => {
    timer = undefined;
    if (ended) return;
    const step = steps[i]!;
    const wait = job.startedAt + step.at - nowMs();
    // Timers can fire a hair early: never send a frame before its time.
    if (wait > 0.05) {
      timer = setTimeout(run, Math.max(1, wait));
      return;
    }
    i++;
    if ('drop' in step) {
      end('FAILED', 'connection dropped');
      res.socket?.destroy();
      return;
    }
    const frame = step.frame();
    res.write(encodeFrame(frame, job.sse));
    if (i < steps.length) {
      // Yield between frames even when they are due together, so they leave as separate writes.
      const next = job.startedAt + steps[i]!.at - nowMs();
      timer = next > 0.05 ? setTimeout(run, Math.max(1, next)) : setImmediate(run);
      return;
    }
    end(frame.state === 'COMPLETED' ? 'COMPLETED' : 'FAILED', frame.error);
    res.end();
  };
  run();
}
