// The grading watchdog's CPU reading, on real threads: a thread that spins in a call accrues CPU time at
// about the wall clock's rate, one that is held without a core (here: blocked in Atomics.wait, as a
// starved thread at nice 19 is) accrues none, so the watchdog can tell a grader that loops from one that
// waits for a core.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CallCpu, threadCpuMs } from '../../src/grading/call-cpu.js';
import { CALL_JOB, CALL_SINCE, OS_TID, WATCH_SLOTS } from '../../src/grading/messages.js';

const LINUX = process.platform === 'linux';

/** A thread that writes its OS id and a call's start to `watch`, then spins for `ms` of CPU or blocks for `ms`. */
function callThread(watch: Float64Array, how: 'spin' | 'block', ms: number): Promise<void> {
  const code = `
    const { workerData } = require('node:worker_threads');
    const { readFileSync, readlinkSync } = require('node:fs');
    const w = workerData.watch;
    w[${OS_TID}] = Number(readlinkSync('/proc/thread-self').split('/').pop());
    w[${CALL_SINCE}] = performance.timeOrigin + performance.now();
    w[${CALL_JOB}] = 0;
    // Spins until it has had ms on a core (however long a busy machine takes to give it that), or blocks for ms.
    const cpuMs = () => { const f = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
    const start = cpuMs(), giveUp = Date.now() + 20000;
    if (workerData.how === 'spin') { while (cpuMs() - start < workerData.ms && Date.now() < giveUp) {} }
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
    w[${CALL_JOB}] = -1;
  `;
  const worker = new Worker(code, { eval: true, workerData: { watch, how, ms } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
}

async function sampled(how: 'spin' | 'block'): Promise<number> {
  const watch = new Float64Array(new SharedArrayBuffer(8 * WATCH_SLOTS));
  watch[CALL_JOB] = -1;
  const cpu = new CallCpu();
  const done = callThread(watch, how, 600);
  let last: number | null = null;
  let ended = false;
  void done.then(() => (ended = true));
  while (!ended) {
    const [used] = cpu.sample([watch]);
    if (used !== null && used !== undefined) last = used;
    await new Promise((r) => setTimeout(r, 20));
  }
  await done;
  expect(last, 'the call was seen').not.toBeNull();
  return last!;
}

describe.runIf(LINUX)('CallCpu (Linux /proc)', () => {
  it("reads this thread's CPU time, and null for a thread that is not there", () => {
    const a = threadCpuMs(process.pid);
    expect(a).not.toBeNull();
    const giveUp = Date.now() + 20_000;
    while (threadCpuMs(process.pid)! - a! < 50 && Date.now() < giveUp) {}
    expect(threadCpuMs(process.pid)! - a!).toBeGreaterThanOrEqual(50);
    expect(threadCpuMs(2 ** 30)).toBeNull();
  });

  it('a call that spins accrues CPU; one held without a core accrues none', async () => {
    // The spinning call ends once it has had 600 ms on a core, and the last sample before its end is at
    // most a round (20 ms, more on a busy machine) earlier; the blocked one had at most a few ticks.
    const blocked = await sampled('block');
    expect(blocked).toBeLessThan(100);
    const spun = await sampled('spin');
    expect(spun).toBeGreaterThanOrEqual(300);
  });
});

describe('CallCpu, from its readings', () => {
  it("counts a call's CPU from the last sample before it began, and forgets a call once it ended", () => {
    let cpu = 1000;
    const calls = new CallCpu(() => cpu);
    const w = new Float64Array(WATCH_SLOTS);
    w[OS_TID] = 42;
    w[CALL_JOB] = -1;
    expect(calls.sample([w])).toEqual([null]); // no call: only sampled
    cpu = 1030; // ran 30 ms of other work, then began a call
    w[CALL_JOB] = 0;
    w[CALL_SINCE] = 5;
    expect(calls.sample([w])).toEqual([30]); // counted as the call's: errs towards stopping
    cpu = 1040;
    expect(calls.sample([w])).toEqual([40]);
    w[CALL_SINCE] = 6; // a new call on the same thread
    cpu = 1050;
    expect(calls.sample([w])).toEqual([10]);
    w[CALL_JOB] = -1;
    expect(calls.sample([w])).toEqual([null]);
    w[OS_TID] = 0;
    w[CALL_JOB] = 0;
    expect(calls.sample([w])).toEqual([null]); // no OS id: unknown, the wall-time limit holds
  });
});
