// Helpers for driving a load in-process: a suite from a YAML load section over a small CSV, and a fake
// send that answers after a fixed delay, recording each request's row, pass and phase.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SendInfo } from '../../src/load/open-loop.js';
import type { Phase } from '../../src/runner/drive-load.js';
import type { PlannedRequest } from '../../src/runner/plan.js';
import { loadSuite } from '../../src/suite/load-suite.js';
import type { Suite, SuiteOverrides } from '../../src/suite/types.js';

export const ROWS = 3;

export async function suiteWith(load: string, overrides: SuiteOverrides = {}): Promise<Suite> {
  const dir = mkdtempSync(join(tmpdir(), 'flowbench-drive-'));
  writeFileSync(join(dir, 'rows.csv'), `q\n${Array.from({ length: ROWS }, (_, i) => `row ${i}`).join('\n')}\n`);
  writeFileSync(join(dir, 's.yaml'), `name: drive\ntarget: { flow_id: f }\ndataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }\nload: ${load}\n`);
  return loadSuite(join(dir, 's.yaml'), { env: {}, overrides });
}

export interface Sent {
  row: number;
  iteration: number;
  phase: Phase;
}

/**
 * A send that holds its request `delayMs`, recording what was sent and the most ever in flight. A closed
 * loop hands requests over ahead with a `hold`: like the request threads, this starts one only when fewer
 * than `hold.concurrency` of them run.
 */
export function fakeSend(delayMs: number) {
  const sent: Sent[] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let peak = 0;
  const send = async (p: PlannedRequest, info: SendInfo, phase: Phase) => {
    const cap = info.hold?.concurrency ?? Infinity;
    while (inFlight >= cap) await new Promise<void>((r) => waiting.push(r));
    sent.push({ row: p.row, iteration: p.iteration, phase });
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    waiting.shift()?.();
  };
  return { send, sent, peak: () => peak };
}
