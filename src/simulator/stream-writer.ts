// Sends a planned answer as a stream: progress-only frames, content frames, then completion, each on its own timer;
// a planned fault bends that sequence (a drop, an error or pause frame, a stray line, a stall, an early end, ...).
import type { ServerResponse } from 'node:http';
import { nowMs } from '../clock/clock.js';
import { GARBAGE_LINE, PAUSE_REASON, writeSlowly } from './faults.js';
import type { ResponsePlan } from './plan.js';
import type { RunState } from './run-store.js';
import { encodeFrame, progressAt, progressOutput, streamFrame, type WireFrame } from './wire.js';
import { EARLY_MS, frameClock, type Due } from './frame-clock.js';

export interface StreamJob {
  res: ServerResponse;
  runId: string;
  outputKey: string;
  plan: ResponsePlan;
  sse: boolean;
  delta: boolean;
  /** When the request arrived (shared clock, ms): all plan times count from here. */
  startedAt: number;
  /** For a 'stall' fault: ms of silence after half the content (0: the stall is not mid-stream). */
  midStallMs?: number;
  /** For a 'slow' fault: ms between bytes (0: one byte per event-loop turn). */
  slowByteMs?: number;
  /** Called once, with the text actually sent. */
  onEnd(state: RunState, error: string | null, sent: string): void;
  /** Called once, right after the first content frame went to the socket. */
  onFirstContent?(): void;
}

type Step = { at: number; frame: () => WireFrame; content?: true } | { at: number; raw: string } | { at: number; drop: true } | { at: number; eof: true };

export const FLOW_ERROR = 'Simulated failure in node LLM: the model provider returned an error';
/** The run id later frames carry under a 'run_id_change' fault. */
export const changedRunId = (runId: string): string => `${runId.slice(0, -4)}beef`;

/** The steps of one response, in time order. */
function planSteps(job: StreamJob, sentRef: { text: string }): Step[] {
  const { plan, runId, outputKey } = job;
  const f = plan.fault;
  const cut = plan.failAfterChunks;
  const stall = f === 'stall' ? (job.midStallMs ?? 0) : 0;
  const idOf = (i: number): string => (f === 'run_id_change' && i >= cut ? changedRunId(runId) : runId);
  const nodes = plan.nodeProgress;
  const steps: Step[] = plan.progressAt.map((at, k) => ({ at, frame: () => streamFrame(runId, {}, nodes?.frames[k] ?? progressAt(k)) }));
  const streaming = nodes?.streaming ?? progressOutput(false);
  const stopsEarly = f === 'error' || f === 'disconnect' || f === 'eof' || f === 'pause';
  const shown = stopsEarly ? plan.chunks.slice(0, cut) : plan.chunks;
  shown.forEach((chunk, i) => {
    // In SSE a line that is not a field is ignored by the spec: the garbage must come as an event's data.
    if (f === 'garbage' && i === cut) steps.push({ at: chunk.at, raw: job.sse ? `data: ${GARBAGE_LINE}\n\n` : `${GARBAGE_LINE}\n` });
    steps.push({
      at: chunk.at + (i >= cut ? stall : 0),
      content: true,
      frame: () => {
        sentRef.text += chunk.text;
        return streamFrame(idOf(i), { [outputKey]: job.delta ? chunk.text : sentRef.text }, streaming);
      },
    });
  });
  const failAt = plan.chunks[cut]?.at ?? plan.endAt;
  if (f === 'disconnect') steps.push({ at: failAt, drop: true });
  else if (f === 'eof') steps.push({ at: failAt, eof: true });
  else if (f === 'error') steps.push({ at: failAt, frame: () => streamFrame(runId, {}, streaming, 'FAILED', FLOW_ERROR) });
  else if (f === 'pause') steps.push({ at: failAt, frame: () => streamFrame(runId, {}, streaming, 'PAUSED', null, PAUSE_REASON) });
  else {
    steps.push({
      at: plan.endAt + stall,
      frame: () =>
        streamFrame(
          idOf(plan.chunks.length),
          job.delta || sentRef.text === '' ? {} : { [outputKey]: sentRef.text },
          nodes?.done ?? progressOutput(true),
          'COMPLETED',
        ),
    });
  }
  return steps;
}

/** Starts streaming; the stream leaves the frame clock if the client goes away first. */
export function writeStream(job: StreamJob): void {
  const { res } = job;
  const sent = { text: '' };
  let ended = false;
  let immediate: NodeJS.Immediate | undefined;
  const end = (state: RunState, error: string | null): void => {
    if (ended) return;
    ended = true;
    job.onEnd(state, error, sent.text);
  };
  const steps = planSteps(job, sent);
  const slow = job.plan.fault === 'slow';
  const waiter: Due = { dueAt: 0, slot: -1, fire: () => run() };

  res.on('close', () => {
    frameClock.cancel(waiter);
    if (immediate !== undefined) clearImmediate(immediate);
    end('CANCELLED', 'client disconnected');
  });

  res.writeHead(200, {
    'content-type': job.sse ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-cache',
  });

  /** After a frame went out: wait for the next one, or finish. `last` is the frame just sent. */
  const next = (last: WireFrame | null): void => {
    if (ended) return;
    if (i < steps.length) {
      const dueAt = job.startedAt + steps[i]!.at;
      // Yield between frames even when they are due together, so they leave as separate writes.
      if (dueAt - nowMs() > EARLY_MS) {
        waiter.dueAt = dueAt;
        frameClock.schedule(waiter);
      } else immediate = setImmediate(run);
      return;
    }
    const state = last?.state;
    end(state === 'COMPLETED' ? 'COMPLETED' : state === 'PAUSED' ? 'PAUSED' : 'FAILED', last?.error ?? (state === 'PAUSED' ? 'paused' : null));
    res.end();
  };

  let i = 0;
  /** Whether node:http has written the headers (with the first frame): res.headersSent turns true at writeHead. */
  let headersOut = false;
  let contentOut = false;
  const run = (): void => {
    immediate = undefined;
    if (ended) return;
    const step = steps[i]!;
    // Never send a frame before its time (the clock serves waiters within EARLY_MS of it).
    if (job.startedAt + step.at - nowMs() > EARLY_MS) return next(null);
    i++;
    if ('drop' in step) {
      end('FAILED', 'connection dropped');
      res.socket?.destroy();
      return;
    }
    if ('eof' in step) {
      end('FAILED', 'stream ended early');
      res.end();
      return;
    }
    const frame = 'raw' in step ? null : step.frame();
    const text = frame === null ? (step as { raw: string }).raw : encodeFrame(frame, job.sse);
    if (slow) return writeSlowly(res, text, job.slowByteMs ?? 0, () => next(frame));
    // Corked around the write (and the end, after the last frame): the chunk, with the response headers
    // on the first frame and the final zero chunk on the last, leaves in one write now, not on a nextTick.
    const socket = res.socket;
    socket?.cork();
    writeChunk(res, text, headersOut);
    headersOut = true;
    if (!contentOut && 'content' in step) {
      contentOut = true;
      job.onFirstContent?.();
    }
    next(frame);
    socket?.uncork();
  };
  run();
}

/**
 * One frame of a chunked response. Once node:http has written the headers (`headersOut`: with the first
 * frame), the chunk goes straight to the socket, framed exactly as node:http frames it (hex length,
 * CRLF, data, CRLF) but as one string: node:http would queue four pieces (four stream writes and a
 * writev). Whenever node:http may hold bytes of its own (no socket yet: a pipelined response waiting
 * its turn; not chunked: an HTTP/1.0 client; anything buffered), it goes through res.write, in order.
 */
function writeChunk(res: ServerResponse, text: string, headersOut: boolean): void {
  const socket = res.socket;
  const direct =
    headersOut && socket !== null && !res.writableEnded && (res as { chunkedEncoding?: boolean }).chunkedEncoding === true && res.writableLength === 0;
  if (direct) socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
  else res.write(text);
}
