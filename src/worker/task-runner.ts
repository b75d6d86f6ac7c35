// Runs the tasks handed to one executor (a worker thread, or the main thread with --threads 0): each
// task at once, or, when held (closed loop), from a local queue the moment one of its slots frees.
import { nowMs } from '../metrics/clock.js';
import { executeRequest, type RequestContext } from './execute-request.js';
import type { RequestTask, ResultRecord, WireOutcome, WireTask } from './messages.js';
import { recordFromText } from './record-text.js';

export type Reply = (id: number, outcome: WireOutcome, held: boolean) => void;

/** A handed-over task's promise, waiting for its outcome. */
export interface Pending {
  resolve: (r: ResultRecord | null) => void;
  reject: (err: Error) => void;
}

/** A task as an executor takes it: its id and, when held, the executor's slot limit and the end. */
export function wireTask(task: RequestTask, id: number, hold: { notAfter: number | null } | null | undefined, limit: number): WireTask {
  return hold ? { ...task, id, hold: { limit, notAfter: hold.notAfter } } : { ...task, id };
}

/** Settles task `id`'s promise and forgets it: a record or null resolve it, a worker failure rejects it. */
export function settle(pending: Map<number, Pending>, id: number, outcome: WireOutcome): void {
  const p = pending.get(id)!;
  pending.delete(id);
  if (typeof outcome === 'string') p.resolve(recordFromText(outcome));
  else if (outcome !== null && 'failed' in outcome) p.reject(new Error(outcome.failed));
  else p.resolve(outcome);
}

export class TaskRunner {
  running = 0;
  private heldRunning = 0;
  private limit = 0;
  private held: (WireTask | undefined)[] = [];
  private head = 0;

  constructor(private readonly ctx: RequestContext, private readonly reply: Reply) {}

  /** True while fewer held tasks wait than this executor has slots: time to hear from the scheduler soon. */
  get runningLow(): boolean {
    return this.held.length - this.head < this.limit;
  }

  accept(tasks: readonly WireTask[]): void {
    for (const task of tasks) {
      if (task.hold === undefined) this.start(task, false);
      else {
        this.limit = task.hold.limit;
        this.held.push(task);
      }
    }
    this.startHeld();
  }

  /** Ctrl-C: held tasks not yet started are answered null, unsent. */
  dropHeld(): void {
    for (let i = this.head; i < this.held.length; i++) this.reply(this.held[i]!.id, null, true);
    this.held = [];
    this.head = 0;
  }

  private start(task: WireTask, isHeld: boolean): void {
    this.running++;
    if (isHeld) this.heldRunning++;
    executeRequest(this.ctx, task).then(
      (record) => this.reply(task.id, record, isHeld),
      (err: unknown) => this.reply(task.id, { failed: String((err as Error)?.message ?? err).split('\n')[0]! }, isHeld),
    ).finally(() => {
      this.running--;
      if (isHeld) {
        this.heldRunning--;
        this.startHeld();
      }
    });
  }

  private startHeld(): void {
    while (this.heldRunning < this.limit && this.head < this.held.length) {
      const task = this.held[this.head]!;
      this.held[this.head++] = undefined;
      if (task.hold!.notAfter !== null && nowMs() >= task.hold!.notAfter) {
        this.reply(task.id, null, true); // the duration is over: never sent
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
