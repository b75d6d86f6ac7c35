// Test helpers: call the simulator with fetch and decode its streams frame by frame, with arrival times.
import { performance } from 'node:perf_hooks';

export const TOKEN = 'sim-test-token';

export interface TimedFrame {
  at: number;
  frame: {
    outputs: Record<string, string>;
    run_id: string;
    state: string | null;
    error: string | null;
    pause: unknown;
    progress_data: { current_node: string; completed_nodes: number } | null;
    [key: string]: unknown;
  };
}

export function post(url: string, body: unknown, token: string | null = TOKEN): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(url: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(url, { headers: token !== null ? { authorization: `Bearer ${token}` } : {} });
}

/** Reads a JSON Lines or SSE body, timestamping each frame when its bytes arrive (ms since `t0`). */
export async function readFrames(res: Response, t0: number, sse = false): Promise<TimedFrame[]> {
  const frames: TimedFrame[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const sep = sse ? '\n\n' : '\n';
  for (let guard = 0; guard < 100_000; guard++) {
    const { value, done } = await reader.read();
    if (done) break;
    const at = performance.now() - t0;
    buf += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf(sep)) >= 0) {
      const raw = buf.slice(0, i).trim();
      buf = buf.slice(i + sep.length);
      if (raw === '') continue;
      if (sse && !raw.startsWith('data: ')) throw new Error(`not an SSE data event: ${raw}`);
      frames.push({ at, frame: JSON.parse(sse ? raw.slice('data: '.length) : raw) as TimedFrame['frame'] });
    }
  }
  if (buf.trim() !== '') throw new Error(`unterminated frame: ${buf}`);
  return frames;
}

export function hasContent(f: TimedFrame): boolean {
  return Object.values(f.frame.outputs).some((v) => v !== '');
}

/** Calls the stream endpoint and returns frames plus the assembled output for `key`. */
export async function stream(
  base: string,
  flow: string,
  inputs: unknown,
  query = '',
  key = 'out-0',
): Promise<{ status: number; frames: TimedFrame[]; text: string; runId: string }> {
  const t0 = performance.now();
  const res = await post(`${base}/inference/v0/stream/demo/${flow}${query ? `?${query}` : ''}`, inputs);
  const sse = /(^|&)sse=(true|1)/.test(query);
  const delta = !/(^|&)delta=(false|0)/.test(query);
  const frames = await readFrames(res, t0, sse);
  let text = '';
  for (const f of frames) {
    const v = f.frame.outputs[key];
    if (v === undefined) continue;
    text = delta ? text + v : v;
  }
  return { status: res.status, frames, text, runId: frames[0]?.frame.run_id ?? '' };
}
