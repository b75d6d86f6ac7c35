// What the plan hands a load model (one planned request) and what one step of a sweep ran: the types a
// model's driver shares with runner/plan.ts and runner/drive-load.ts, kept here so that load/ never imports runner/.

export interface PlannedRequest {
  variant: number;
  row: number;
  iteration: number;
  /** The repeat of this row in its pass (0 … repeat − 1); absent when the suite does not repeat rows. */
  repeat?: number;
  values: Record<string, unknown>;
  /** A multi-turn conversation: one unit of work whose turns are sent one after another (runner/conversation-runner.ts). */
  conversation?: PlannedConversation;
}

/** A conversation of the plan: `row` and `values` of its PlannedRequest are its first turn's. */
export interface PlannedConversation {
  id: string;
  turns: {
    turn: number;
    row: number;
    values: Record<string, unknown>;
    /** Due this many ms after the first turn's scheduled time (a replayed trace); absent: when the turn before ends. */
    afterMs?: number;
  }[];
}

export interface StepRun {
  rate: number;
  /** Shared-clock ms of the step's first scheduled send and of its last request's end. */
  startAt: number;
  endAt: number;
  started: number;
  /** Requests that left within the step's duration: below the rate's share when the in-flight cap held sends back. */
  sent: number;
}

/** What a replay sent of its trace (report.json `replay`, docs/replay.md); times are ISO, durations ms. */
export interface ReplayRun {
  /** The trace file (absolute). */
  path: string;
  speed: number;
  conversations: boolean;
  /** The whole trace: rows, first and last timestamp, its span as traced and at `speed`, and whether it was in time order. */
  trace: { rows: number; first: string | null; last: string | null; durationMs: number; durationAtSpeedMs: number; sorted: boolean };
  /**
   * The part replayed: requests sent (every variant's; a conversation counts its first turn), of those
   * planned; the traced times of the first and last planned; that span at `speed`; and why it ended.
   */
  replayed: {
    requests: number;
    planned: number;
    first: string | null;
    last: string | null;
    durationAtSpeedMs: number;
    /** True when every planned row was sent and the trace ran out (not Ctrl-C, `duration` or `requests`). */
    complete: boolean;
    endedBy: 'trace' | 'stopped' | 'duration' | 'requests';
  };
  /** Arrivals per bucket of the replay's time (from its offset 0): as traced (at speed) and as handed over. */
  perSecond: ReplayBucket[];
}

export interface ReplayBucket {
  /** Seconds after the replay's offset 0: the bucket covers [t, t + widthS). */
  t: number;
  widthS: number;
  /** Requests the trace puts in the bucket (at speed). */
  traced: number;
  /** Requests handed over in the bucket (their traced offset plus the scheduler's lateness). */
  sent: number;
}
