// Runs the tasks handed to one executor (a request thread, or the main thread with --threads 0): each
// task at once, or, when held (closed loop), from a local queue the moment one of its slots frees.
// It counts what it started in shared memory (so a dead thread's work can be accounted for exactly) and
// keeps a mark per request in flight that the stall detector writes into.
import { nowMs } from '../clock/clock.js';
import type { ResultRecord } from '../record/result-record.js';
import { executeRequest, type InFlightMark, type RequestContext } from './execute-request.js';
import { STARTED_NOW, TAKEN_HELD, type WireTask } from './messages.js';

/** A finished task: its record, null for a held task dropped unstarted, or why it failed. */
export type TaskOutcome = ResultRecord | null | { failed: string };
export type Reply = (task: WireTask, outcome: TaskOutcome, held: boolean) => void;

export class TaskRunner {
  running = 0;
  private heldRunning = 0;
  private limit = 0;
  private held: (WireTask | undefined)[] = [];
  private head = 0;
  private readonly marks = new Set<InFlightMark>();

  constructor(
    private readonly ctx: RequestContext,
    private readonly reply: Reply,
    private readonly counters: Int32Array = new Int32Array(2),
    /** Called after each start (the test hook that exits a thread uses it). */
    private readonly onStart?: (started: number) => void,
  ) {}

  /** True while fewer held tasks wait than this executor has slots: time to hear from the scheduler soon. */
  get runningLow(): boolean {
    return this.held.length - this.head < this.limit;
  }

  /** The event loop stalled for gapMs: every request in flight was delayed by up to that much. */
  markStall(gapMs: number): void {
    for (const m of this.marks) if (gapMs > m.stallMs) m.stallMs = gapMs;
  }

  accept(tasks: readonly WireTask[]): void {
    for (const task of tasks) {
      if (task.hold === undefined) {
        Atomics.add(this.counters, STARTED_NOW, 1);
        this.start(task, false);
      } else {
        this.limit = task.hold.limit;
        this.held.push(task);
      }
    }
    this.startHeld();
  }

  /** Ctrl-C: held tasks not yet started are answered null, unsent. */
  dropHeld(): void {
    for (let i = this.head; i < this.held.length; i++) {
      Atomics.add(this.counters, TAKEN_HELD, 1);
      this.reply(this.held[i]!, null, true);
    }
    this.held = [];
    this.head = 0;
  }

  private start(task: WireTask, isHeld: boolean): void {
    this.running++;
    if (isHeld) this.heldRunning++;
    const mark: InFlightMark = { stallMs: 0 };
    this.marks.add(mark);
    this.onStart?.(Atomics.load(this.counters, STARTED_NOW) + Atomics.load(this.counters, TAKEN_HELD));
    executeRequest(this.ctx, task, mark).then(
      (record) => this.finish(task, mark, record, isHeld),
      (err: unknown) => this.finish(task, mark, { failed: String((err as Error)?.message ?? err).split('\n')[0]! }, isHeld),
    );
  }

  private finish(task: WireTask, mark: InFlightMark, outcome: TaskOutcome, isHeld: boolean): void {
    this.marks.delete(mark);
    this.running--;
    if (isHeld) this.heldRunning--;
    this.reply(task, outcome, isHeld);
    if (isHeld) this.startHeld();
  }

  private startHeld(): void {
    while (this.heldRunning < this.limit && this.head < this.held.length) {
      const task = this.held[this.head]!;
      this.held[this.head++] = undefined;
      Atomics.add(this.counters, TAKEN_HELD, 1);
      if (task.hold!.notAfter !== null && nowMs() >= task.hold!.notAfter) {
        this.reply(task, null, true); // the duration is over: never sent
        continue;
      }
      task.scheduledAt = nowMs(); // closed loop: a request is scheduled the moment a slot frees for it
      this.start(task, true);
    }
    if (this.head === this.held.length) {
      this.held = [];
      this.head = 0;
    }
  }
}
