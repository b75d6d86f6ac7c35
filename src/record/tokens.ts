// A request's token counts as a result record keeps them (how they are read or counted: metrics/output-tokens.ts).

/** 'estimate' (characters / 4) is what flowbench wrote before it counted with a tokenizer: read, never written. */
export type TokenSource = 'metadata' | 'tokenizer' | 'estimate';

export interface TokenCount {
  count: number;
  source: TokenSource;
}

/** The token fields a completed record gets: none for a failed request, no inputTokens when none was reported. */
export interface RecordTokens {
  outputTokens?: TokenCount;
  inputTokens?: TokenCount;
}
