// judge: another StackAI flow grades the answer. Its inputs are templates over {{output}}, {{expected}},
// {{row}} and the row's columns; its score is read from its answer by a regex (first capture group) or a
// JSON path, scaled by `max`, and passes at >= threshold. The call is made by the worker's client (retries,
// timeout), measured into the grade's `judge` field, and kept out of the run's latency statistics.
import { compileTemplate } from '../dataset/template.js';
import { findJson, parseJsonPath, valueAt } from './json-output.js';
import { checkNumber, firstProblem, quote, type Spec } from './spec-helpers.js';
import type { GradeContext, GraderFamily, SpecProblem } from './types.js';

const FIRST_NUMBER = '(-?\\d+(?:\\.\\d+)?)';

function checkJudge(spec: Spec): SpecProblem {
  if (typeof spec.flow_id !== 'string' || spec.flow_id.trim() === '') return { key: 'flow_id', message: '`flow_id` must name the judge flow' };
  if (spec.version !== undefined && (!Number.isInteger(spec.version) || (spec.version as number) < -1))
    return { key: 'version', message: '`version` must be an integer >= -1' };
  if (spec.prompt === undefined && spec.inputs === undefined)
    return {
      message: 'grader judge needs `prompt` (sent as in-0) or `inputs`',
      hint: 'e.g. prompt: "Question: {{question}}\\nExpected: {{expected}}\\nAnswer: {{output}}"',
    };
  if (spec.prompt !== undefined && spec.inputs !== undefined) return { key: 'inputs', message: 'use `prompt` or `inputs`, not both' };
  if (spec.prompt !== undefined && typeof spec.prompt !== 'string') return { key: 'prompt', message: '`prompt` must be a string template' };
  if (spec.inputs !== undefined && (spec.inputs === null || typeof spec.inputs !== 'object' || Array.isArray(spec.inputs)))
    return { key: 'inputs', message: '`inputs` must map input keys to templates' };
  if (spec.output !== undefined && typeof spec.output !== 'string') return { key: 'output', message: "`output` must be the judge's output key" };
  if (spec.score_regex !== undefined && spec.score_path !== undefined) return { key: 'score_path', message: 'use `score_regex` or `score_path`, not both' };
  if (spec.score_regex !== undefined) {
    try {
      new RegExp(String(spec.score_regex));
    } catch (err) {
      return { key: 'score_regex', message: `invalid regular expression: ${(err as Error).message}` };
    }
  }
  for (const key of ['score_path', 'reason_path']) {
    if (spec[key] !== undefined && (typeof spec[key] !== 'string' || parseJsonPath(spec[key] as string) === null))
      return { key, message: `invalid JSON path ${JSON.stringify(spec[key])}`, hint: 'e.g. $.score' };
  }
  if (spec.max !== undefined && !(typeof spec.max === 'number' && spec.max > 0))
    return { key: 'max', message: "`max` must be a number > 0 (the top of the judge's scale)" };
  return firstProblem(checkNumber(spec, 'threshold', 0, 1));
}

/** Reads the judge's score (raw, before scaling) and reason from its answer. */
export function readVerdict(text: string, spec: Spec): { score: number; reason: string | null } | { error: string } {
  let raw: unknown;
  let json: unknown;
  if (spec.score_path !== undefined || spec.reason_path !== undefined) {
    const found = findJson(text, true);
    json = found.ok ? found.value : undefined;
  }
  if (spec.score_path !== undefined) {
    if (json === undefined) return { error: `judge answer holds no JSON: ${quote(text, 80)}` };
    raw = valueAt(json, parseJsonPath(String(spec.score_path))!);
  } else {
    const m = new RegExp(String(spec.score_regex ?? FIRST_NUMBER)).exec(text);
    raw = m ? (m[1] ?? m[0]) : undefined;
  }
  const score = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(score)) return { error: `no score in the judge's answer ${quote(text, 80)}` };
  const reason = spec.reason_path !== undefined && json !== undefined ? valueAt(json, parseJsonPath(String(spec.reason_path))!) : undefined;
  return { score, reason: typeof reason === 'string' ? reason : null };
}

export const judge: GraderFamily = {
  keys: ['flow_id', 'version', 'prompt', 'inputs', 'output', 'score_regex', 'score_path', 'reason_path', 'max', 'threshold'],
  required: ['flow_id'],
  check: (spec) => checkJudge(spec),
  prepare(spec, env) {
    const sources: Record<string, unknown> = spec.prompt !== undefined ? { 'in-0': spec.prompt } : (spec.inputs as Record<string, unknown>);
    // String inputs are templates; other values (numbers, lists) pass through as they are, like dataset.inputs.
    const templates = Object.entries(sources).map(([k, v]) => ({ k, t: typeof v === 'string' ? compileTemplate(v) : null, v }));
    const render = (ctx: GradeContext) =>
      Object.fromEntries(
        templates.map(({ k, t, v }) => [
          k,
          t ? t.render({ row: ctx.row, values: { ...ctx.values, output: ctx.output }, ...(ctx.expected !== null && { expected: ctx.expected }) }) : v,
        ]),
      );
    const max = typeof spec.max === 'number' ? spec.max : 1;
    const threshold = typeof spec.threshold === 'number' ? spec.threshold : 0.5;
    const flowId = String(spec.flow_id);
    return async (ctx, watched) => {
      if (!env.judge) return { pass: false, score: 0, reason: 'judge: no StackAI client here (only runs inside a run)', error: true };
      const call = await env.judge({
        flowId,
        version: typeof spec.version === 'number' ? spec.version : null,
        inputs: render(ctx),
        output: String(spec.output ?? 'out-0'),
      });
      const { error, ...measured } = call;
      if (error !== null) return { pass: false, score: 0, reason: `judge ${flowId} failed: ${error}`, error: true, judge: measured };
      // After the await, so watched by hand: score_regex is the user's, and may backtrack without end.
      const verdict = watched(() => readVerdict(call.output, spec));
      if ('error' in verdict) return { pass: false, score: 0, reason: verdict.error, error: true, judge: measured };
      const score = Math.min(1, Math.max(0, verdict.score / max));
      const pass = score >= threshold;
      const why = verdict.reason ?? quote(call.output, 120);
      return { pass, score, reason: `judge score ${score.toFixed(2)} ${pass ? '>=' : '<'} ${threshold}: ${why}`, judge: measured };
    };
  },
};
