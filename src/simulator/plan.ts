// Decides, for one request, what a simulated flow answers, whether it fails, and when each frame goes out.
import { correctAnswer, normalizeText, wrongAnswer } from './answers.js';
import { bigPieces, drawFault, hasFaults, hugeText, type Fault } from './faults.js';
import type { FlowDef, ResolvedVariant } from './flows.js';
import type { FlowNodes } from './flow-nodes.js';
import { keyedRandom } from '../random/seeded.js';
import { recallAnswer } from './conversation-memory.js';
import type { ProgressData } from './wire.js';

export type { Fault } from './faults.js';

export interface ContentChunk {
  /** ms after the request arrived. */
  at: number;
  text: string;
}

export interface ResponsePlan {
  fault: Fault;
  /** The full answer; the chunks concatenate to exactly this. */
  text: string;
  correct: boolean;
  /** Times of progress-only frames (the first is 0: sent with the headers). */
  progressAt: number[];
  /** With a node list (`nodes:`): the progress_data of each progress-only frame, and of the content and completion frames. */
  nodeProgress?: { frames: ProgressData[]; streaming: ProgressData; done: ProgressData };
  chunks: ContentChunk[];
  /** When the completion frame (or the run response) goes out. */
  endAt: number;
  /** For mid-stream faults (disconnect, error, eof, pause, garbage, run_id_change, stall): content chunks sent before it. */
  failAfterChunks: number;
  /** For 'stall': how long no bytes are sent, ms. */
  stallMs: number;
  inputTokens: number;
  outputTokens: number;
}

/** Tokens per word, for both pacing and usage estimates. */
const TOKENS_PER_WORD = 1.3;
/** A fixed prompt overhead counted into input tokens, as a real flow's system prompt would be. */
const PROMPT_TOKENS = 150;

/** The text of a flow's input as the answer lookup sees it. Non-strings are matched by their JSON. */
export function inputText(flow: FlowDef, inputs: Record<string, unknown>): string {
  const v = inputs[flow.inputKey];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Usage estimate: ~1.3 tokens per word, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(wordCount(text) * TOKENS_PER_WORD);
}

/** Splits text into pieces of `wordsPerFrame` words, each with its leading whitespace; they join back to `text`. */
export function splitWords(text: string, wordsPerFrame: number): string[] {
  const words = text.match(/\s*\S+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerFrame) pieces.push(words.slice(i, i + wordsPerFrame).join(''));
  const used = pieces.join('').length;
  // Trailing whitespace belongs to the last piece (or is the only piece).
  if (used < text.length) {
    if (pieces.length) pieces[pieces.length - 1] += text.slice(used);
    else pieces.push(text.slice(used));
  }
  return pieces;
}

/**
 * Plans one request. Every draw comes from generators keyed by (seed, flow, variant, input,
 * counter), so the same request sequence gives the same plans.
 */
export function planResponse(
  seed: number,
  flow: FlowDef,
  variant: ResolvedVariant,
  inputs: Record<string, unknown>,
  counter: number,
  /** A flow with memory: this user's earlier inputs, oldest first. */
  earlier: readonly string[] = [],
): ResponsePlan {
  const model = variant.model;
  const input = inputText(flow, inputs);
  const key = [seed, flow.id, model.label, input, counter] as const;

  // Draws that cannot change the outcome are skipped (each seeds a generator from a hash of the key):
  // with every fault rate 0 the fault is 'none', a quality of 1 (0) is always (never) right, and no
  // jitter multiplies every delay by exactly 1. Each generator has its own key, so skipping one leaves
  // the others' sequences, and so every plan, unchanged.
  const fault = hasFaults(model.faults) ? drawFault(keyedRandom(...key, 'faults'), keyedRandom(...key, 'faults-extra'), model.faults) : 'none';
  const recalled = !flow.memory ? null : recallAnswer(input, earlier);
  const right = recalled === null ? correctAnswer(flow.answers, input) : { text: recalled, expected: recalled };
  const correct = model.quality >= 1 ? true : model.quality <= 0 ? false : qualityDraw(seed, flow, input, counter) < model.quality;
  const answer = correct ? right.text : wrongAnswer(flow.answers, right.expected, keyedRandom(...key, 'wrong'));
  const text = fault === 'huge' ? hugeText(answer, model.faults.hugeKb) : answer;

  const lat = model.latency;
  const timing = lat.jitter === 0 ? null : keyedRandom(...key, 'timing');
  const jit = timing === null ? (): number => 1 : (): number => 1 + lat.jitter * (2 * timing() - 1);
  const factor = jit();
  // A flow with memory sends its history to the model: each earlier turn adds to the time to first token.
  const ttft = (lat.ttftMs + (flow.memory?.ttftMsPerTurn ?? 0) * earlier.length) * factor;
  const progressEnd = Math.min(lat.progressMs * factor, ttft);
  const progressAt = [0];
  for (let t = lat.progressIntervalMs * jit(); t < progressEnd && progressAt.length < 10_000; t += lat.progressIntervalMs * jit()) {
    progressAt.push(t);
  }
  const nodeProgress = lat.nodes == null ? undefined : walkNodes(lat.nodes, factor, progressAt);

  const chunks: ContentChunk[] = [];
  let at = ttft;
  // A huge answer goes out in 64 KiB frames, unpaced: it tests size, not patience.
  const pieces = fault === 'huge' ? bigPieces(text, 64 * 1024) : splitWords(text, lat.wordsPerFrame);
  for (const [i, piece] of pieces.entries()) {
    if (fault === 'huge') {
      chunks.push({ at, text: piece });
      continue;
    }
    if (i > 0 && Number.isFinite(lat.tokensPerS)) at += ((wordCount(piece) * TOKENS_PER_WORD) / lat.tokensPerS) * 1000 * jit();
    chunks.push({ at, text: piece });
  }
  return {
    fault,
    text,
    correct,
    progressAt,
    ...(nodeProgress !== undefined && { nodeProgress }),
    chunks,
    endAt: chunks.length ? chunks[chunks.length - 1]!.at : ttft,
    failAfterChunks: Math.floor(chunks.length / 2),
    stallMs: fault === 'stall' ? model.faults.stallS * 1000 : 0,
    inputTokens: estimateTokens(input) + PROMPT_TOKENS,
    outputTokens: estimateTokens(text),
  };
}

/**
 * Merges a frame at each node's start (the node times scaled by the request's jitter factor, as its TTFT
 * is) into the progress frame times, in place, and gives each frame the node current at its time. The
 * interval frames stay: a long node keeps sending its progress, as a real one does.
 */
function walkNodes(nodes: FlowNodes, factor: number, times: number[]): NonNullable<ResponsePlan['nodeProgress']> {
  const starts: number[] = [];
  let at = 0;
  for (const n of nodes.before) {
    starts.push(at);
    at += n.ms * factor;
  }
  const all = [...new Set([...times, ...starts])].filter((t) => nodes.before.length > 0 && t < at).sort((a, b) => a - b);
  if (all.length === 0) all.push(0);
  times.length = 0;
  times.push(...all);
  const frames = all.map((t) => {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1]! <= t) k++;
    return nodes.progress[k] ?? nodes.streaming;
  });
  return { frames, streaming: nodes.streaming, done: nodes.done };
}

const GOLDEN = 0.6180339887498949;
const strata = new WeakMap<FlowDef, { seed: number; position: Map<string, number> }>();

/**
 * The uniform draw compared with `quality`. It ignores the version (common random numbers:
 * comparing versions measures their quality gap, not draw noise), and for questions of the
 * flow's CSV it is stratified: a seeded shuffle puts the questions at evenly spaced positions,
 * so over the whole dataset the share answered correctly matches `quality` to within one row.
 * Repeats shift by the golden ratio, which keeps every pass stratified.
 */
function qualityDraw(seed: number, flow: FlowDef, input: string, counter: number): number {
  let base: number | undefined;
  if (flow.answers.kind === 'csv') {
    let s = strata.get(flow);
    if (!s || s.seed !== seed) {
      const keys = [...flow.answers.byQuestion.keys()];
      const order = keys.map((k) => ({ k, r: keyedRandom(seed, flow.id, k, 'stratum')() })).sort((a, b) => a.r - b.r);
      s = { seed, position: new Map(order.map((o, i) => [o.k, (i + 0.5) / keys.length])) };
      strata.set(flow, s);
    }
    base = s.position.get(normalizeText(input));
  }
  base ??= keyedRandom(seed, flow.id, input, 'quality')();
  return (base + counter * GOLDEN) % 1;
}
