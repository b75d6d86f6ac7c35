// Whole-suite rules checked after overrides: target URL/org/token, run_draft vs mode, grader specs.
// The one default settled here: org_id `demo` for the simulator (it depends on the final base URL).
import { checkGraderSpec } from '../grade/registry.js';
import { FEEDBACK_VARIABLES, unknownFeedbackVariable } from '../worker/feedback-text.js';
import { parseGate } from '../compare/gates.js';
import { parseThreshold } from '../metrics/thresholds.js';
import type { LoadContext } from './load-context.js';
import type { Suite } from './types.js';

export function checkSuite(s: Suite, ctx: LoadContext): void {
  settleTarget(s, ctx);
  checkRunDraft(s, ctx);
  checkGraders(s, ctx);
  checkThresholds(s, ctx);
  checkGates(s, ctx);
}

/** compare.fail_on and compare.alpha, each problem at its own line (the gate grammar lives in compare/gates.ts). */
function checkGates(s: Suite, ctx: LoadContext): void {
  if (!s.compare) return;
  if (!(s.compare.alpha < 1)) {
    throw ctx.src.error(ctx.where.value(['compare', 'alpha']), `compare.alpha must be between 0 and 1, got ${s.compare.alpha}`, 'the usual significance level is 0.05');
  }
  const metaNames = Object.keys(s.metadata.fields);
  for (const [key, value] of Object.entries(s.compare.failOn)) {
    const g = parseGate(key, value, metaNames);
    if (!('at' in g)) continue;
    throw ctx.src.error(g.at === 'key' ? ctx.where.key(['compare', 'fail_on', key]) : ctx.where.value(['compare', 'fail_on', key]), `compare.fail_on: ${g.message}`, g.hint);
  }
}

function checkThresholds(s: Suite, ctx: LoadContext): void {
  const metaNames = Object.keys(s.metadata.fields);
  for (const [metric, expr] of Object.entries(s.thresholds)) {
    const parsed = parseThreshold(metric, expr, metaNames);
    if (typeof parsed !== 'string') continue;
    const unknownMetric = parsed.startsWith('unknown');
    const at = unknownMetric ? ctx.where.key(['thresholds', metric]) : ctx.where.value(['thresholds', metric]);
    throw ctx.src.error(at, `thresholds.${metric}: ${parsed}`, unknownMetric ? 'use one of the metric names listed' : 'write an operator and a number, e.g. "< 1500"');
  }
}

function settleTarget(s: Suite, ctx: LoadContext): void {
  const { src, where, overrides } = ctx;
  const t = s.target;
  const byFlag = overrides.baseUrl !== undefined;
  const urlAt = where.value(['target', 'base_url']);
  if (t.baseUrl !== 'simulator') {
    let url: URL | null = null;
    try {
      url = new URL(t.baseUrl);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw src.error(urlAt, `${byFlag ? '--base-url' : 'target.base_url'} must be "simulator" or an http(s) URL, got ${JSON.stringify(t.baseUrl)}`, 'use e.g. https://api.stack-ai.com, or simulator for the embedded simulator');
    }
  }
  if (t.orgId === '') {
    if (t.baseUrl === 'simulator') t.orgId = 'demo';
    else throw src.error(where.key(['target']), 'target.org_id is required when base_url is not the simulator', 'add target.org_id: ${STACKAI_ORG_ID} (your StackAI organisation id)');
  }
  if (t.baseUrl !== 'simulator' && t.token === '') {
    const at = where.has(['target', 'token']) ? where.value(['target', 'token']) : urlAt;
    throw src.error(at, `no API token for ${t.baseUrl}`, 'set STACKAI_API_KEY in the environment (or target.token: ${STACKAI_API_KEY} in the suite)');
  }
}

function checkRunDraft(s: Suite, ctx: LoadContext): void {
  if (s.mode !== 'run') return;
  const draft = s.variants.find((v) => v.runDraft);
  if (!draft) return;
  const i = ctx.variantIndex.get(draft.name) ?? 0;
  const modeFrom = ctx.overrides.mode !== undefined ? '--mode run' : 'mode: run';
  throw ctx.src.error(
    ctx.where.key(['variants', i, 'run_draft']),
    `variant '${draft.name}' sets run_draft, but ${modeFrom} cannot run a draft: run_draft exists only on the stream endpoints`,
    `use mode: stream (or sso-stream)${ctx.overrides.mode !== undefined ? ' and drop --mode run' : ''}, or remove run_draft from this variant`,
  );
}

function checkGraders(s: Suite, ctx: LoadContext): void {
  const unknownVar = s.feedback.template === null ? null : unknownFeedbackVariable(s.feedback.template);
  if (unknownVar !== null) {
    throw ctx.src.error(ctx.where.value(['feedback', 'template']), `feedback.template uses {{${unknownVar}}}, which is not a feedback variable`, `use: ${Object.keys(FEEDBACK_VARIABLES).map((v) => `{{${v}}}`).join(' ')}`);
  }
  if (s.passScore !== null && s.passScore > 1) {
    throw ctx.src.error(ctx.where.value(['pass_score']), `pass_score must be from 0 to 1, got ${s.passScore}`, 'grade scores are 0..1: e.g. pass_score: 0.8');
  }
  if (s.maxErrorRate > 1) {
    throw ctx.src.error(ctx.where.value(['max_error_rate']), `max_error_rate must be from 0 to 1, got ${s.maxErrorRate}`, 'a share of requests: e.g. max_error_rate: 0.1');
  }
  s.graders.forEach((spec, i) => {
    const problem = checkGraderSpec(spec, { dir: s.dir });
    if (!problem) return;
    const at = problem.key !== undefined && ctx.where.has(['graders', i, problem.key]) ? ctx.where.key(['graders', i, problem.key]) : ctx.where.value(['graders', i]);
    throw ctx.src.error(at, `graders[${i}] (${spec.type}): ${problem.message}`, problem.hint ?? 'see the grader reference in the README');
  });
}
