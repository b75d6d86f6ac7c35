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
  turns: { turn: number; row: number; values: Record<string, unknown> }[];
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
