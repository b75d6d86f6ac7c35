// A result's token usage per model and the server's own view of its run, as a result record keeps them
// (read and priced in metrics/cost.ts and metrics/server-view.ts).

/** One model's tokens in one run (llm_usage entries of that model summed). */
export interface ModelUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** The server said the run succeeded and the client saw it fail, or the reverse. */
export type ServerMismatch = 'server_ok_client_failed' | 'server_failed_client_ok';
