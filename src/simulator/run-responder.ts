// Answers a `run` call (one JSON body) at the planned time, or fails it the planned way (drop, error, pause,
// a non-JSON or cut-short body, a byte-by-byte body).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { nowMs } from '../clock/clock.js';
import { GARBAGE_LINE, PAUSE_REASON, writeSlowly } from './faults.js';
import type { planResponse } from './plan.js';
import type { KeptRun } from './run-store.js';
import { FLOW_ERROR } from './stream-writer.js';
import { runBody, sendJson } from './wire.js';

/** Answers a `run` call at the plan's end time (plus a stall), or fails it the planned way. */
export function respondRun(
  res: ServerResponse,
  req: IncomingMessage,
  plan: ReturnType<typeof planResponse>,
  runId: string,
  outputKey: string,
  startedAt: number,
  stallMs: number,
  slowByteMs: number,
  finish: (state: KeptRun['state'], error: string | null, sent: string) => void,
): void {
  const at = plan.fault === 'disconnect' ? plan.endAt / 2 : plan.endAt + stallMs;
  let state: KeptRun['state'] = 'PENDING';
  const done = (s: KeptRun['state'], error: string | null, sent: string): void => {
    state = s;
    finish(s, error, sent);
  };
  const respond = (): void => {
    const f = plan.fault;
    if (f === 'disconnect') {
      done('FAILED', 'connection dropped', '');
      req.socket.destroy();
    } else if (f === 'error') {
      done('FAILED', FLOW_ERROR, '');
      sendJson(res, 200, runBody(runId, {}, 'FAILED', FLOW_ERROR));
    } else if (f === 'pause') {
      done('PAUSED', 'paused', '');
      sendJson(res, 200, runBody(runId, {}, 'PAUSED', null, PAUSE_REASON));
    } else if (f === 'garbage') {
      done('COMPLETED', null, plan.text);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(GARBAGE_LINE);
    } else if (f === 'eof') {
      // A body cut short: half of the JSON, then the end (no content-length, so the cut is not a framing error).
      done('FAILED', 'body cut short', '');
      const text = JSON.stringify(runBody(runId, { [outputKey]: plan.text }, 'COMPLETED', null));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text.slice(0, Math.floor(text.length / 2)));
    } else {
      done('COMPLETED', null, plan.text);
      const text = JSON.stringify(runBody(runId, { [outputKey]: plan.text }, 'COMPLETED', null));
      if (f !== 'slow') return sendJson(res, 200, runBody(runId, { [outputKey]: plan.text }, 'COMPLETED', null));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      writeSlowly(res, text, slowByteMs, () => res.end());
    }
  };
  const wait = startedAt + at - nowMs();
  if (wait <= 0) return respond();
  const timer = setTimeout(respond, Math.max(1, wait));
  res.on('close', () => {
    if (state !== 'PENDING') return;
    clearTimeout(timer);
    done('CANCELLED', 'client disconnected', '');
  });
}
