// Whole-suite rules checked after overrides: target URL/org/token, what run mode cannot measure or run,
// grader specs, thresholds and gates. Each mistake is added to ctx.errors and the checks go on.
// The one default settled here: org_id `demo` for the simulator (it depends on the final base URL).
import { checkGraderSpec } from '../grade/registry.js';
import { FEEDBACK_VARIABLES, unknownFeedbackVariable } from '../grade/feedback-text.js';
import { parseGate } from '../compare/gates.js';
import { parseThreshold, streamOnlyTiming } from '../metrics/thresholds.js';
import { checkEconomics, economicsNeeds } from './economics-checks.js';
import { loadFlowsShared } from '../simulator/flows.js';
import { REPORT_DIR_FIX, reportDirProblem } from './report-dir.js';
import { redactUrl } from '../stackai/url-credentials.js';
import { ConfigError } from '../errors/config-error.js';
import type { LoadContext } from './load-context.js';
import { checkLoadCaps } from './load-caps.js';
import type { Suite } from './types.js';

export function checkSuite(s: Suite, ctx: LoadContext): void {
  settleTarget(s, ctx);
  checkSimulatorFlows(s, ctx);
  checkRunMode(s, ctx);
  checkLoadCaps(s.load, ctx);
  checkGraders(s, ctx);
  checkThresholds(s, ctx);
  checkGates(s, ctx);
  checkEconomics(s, ctx);
  checkReportDir(s, ctx);
}

/**
 * report.dir must stay inside the working folder or the suite's folder (or be absolute): a suite from
 * elsewhere must not write outside them. --out is the user's own word on the command line: taken as given.
 */
function checkReportDir(s: Suite, ctx: LoadContext): void {
  if (ctx.overrides.out !== undefined) return;
  const problem = reportDirProblem(s.report.dir, s.name, s.dir);
  if (problem === null) return;
  const at = ctx.where.has(['report', 'dir']) ? ctx.where.value(['report', 'dir']) : ctx.where.value(['name']);
  ctx.errors.push(ctx.src.error(at, problem, REPORT_DIR_FIX));
}

/** compare.fail_on and compare.alpha, each problem at its own line (the gate grammar lives in compare/gates.ts). */
function checkGates(s: Suite, ctx: LoadContext): void {
  if (!s.compare) return;
  if (!(s.compare.alpha < 1)) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['compare', 'alpha']),
        `compare.alpha must be between 0 and 1, got ${s.compare.alpha}`,
        'the usual significance level is 0.05',
      ),
    );
  }
  const metaNames = Object.keys(s.metadata.fields);
  for (const [key, value] of Object.entries(s.compare.failOn)) {
    const g = parseGate(key, value, metaNames);
    if (!('at' in g)) {
      const missing = economicsNeeds(s, g.metric);
      if (missing !== null)
        ctx.errors.push(ctx.src.error(ctx.where.key(['compare', 'fail_on', key]), `compare.fail_on.${key}: ${missing.message}`, missing.hint));
      continue;
    }
    const at = g.at === 'key' ? ctx.where.key(['compare', 'fail_on', key]) : ctx.where.value(['compare', 'fail_on', key]);
    ctx.errors.push(ctx.src.error(at, `compare.fail_on: ${g.message}`, g.hint));
  }
}

function checkThresholds(s: Suite, ctx: LoadContext): void {
  const metaNames = Object.keys(s.metadata.fields);
  for (const [metric, expr] of Object.entries(s.thresholds)) {
    const parsed = parseThreshold(metric, expr, metaNames);
    if (typeof parsed !== 'string') {
      const missing = economicsNeeds(s, metric);
      if (missing !== null) ctx.errors.push(ctx.src.error(ctx.where.key(['thresholds', metric]), `thresholds.${metric}: ${missing.message}`, missing.hint));
      continue;
    }
    const unknownMetric = parsed.startsWith('unknown');
    const at = unknownMetric ? ctx.where.key(['thresholds', metric]) : ctx.where.value(['thresholds', metric]);
    ctx.errors.push(
      ctx.src.error(
        at,
        `thresholds.${metric}: ${parsed}`,
        unknownMetric ? 'use one of the metric names listed' : 'write an operator and a number, e.g. "< 1500"',
      ),
    );
  }
}

function settleTarget(s: Suite, ctx: LoadContext): void {
  const { src, where, overrides, refused } = ctx;
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
      // Shown with its credentials cut out: this message goes to stderr, and CI logs keep it.
      ctx.errors.push(
        src.error(
          urlAt,
          `${byFlag ? '--base-url' : 'target.base_url'} must be "simulator" or an http(s) URL, got ${JSON.stringify(redactUrl(t.baseUrl))}`,
          'use e.g. https://api.stack-ai.com, or simulator for the embedded simulator',
        ),
      );
    }
  }
  // A refused org_id or token (an unset variable) is reported already: not again as "missing".
  if (t.orgId === '') {
    if (t.baseUrl === 'simulator') t.orgId = 'demo';
    else if (!refused.has(['target', 'org_id']))
      ctx.errors.push(
        src.error(
          where.key(['target']),
          'target.org_id is required when base_url is not the simulator',
          'add target.org_id: ${STACKAI_ORG_ID} (your StackAI organisation id)',
        ),
      );
  }
  if (t.baseUrl !== 'simulator' && t.token === '' && !refused.has(['target', 'token'])) {
    const at = where.has(['target', 'token']) ? where.value(['target', 'token']) : urlAt;
    ctx.errors.push(
      src.error(at, `no API token for ${redactUrl(t.baseUrl)}`, 'set STACKAI_API_KEY in the environment (or target.token: ${STACKAI_API_KEY} in the suite)'),
    );
  }
  // A short token cannot be kept out of the reports: redaction skips strings under 4 characters, and a few
  // characters replaced everywhere mangle every message and spell the token out by the holes they leave.
  // No real API key is that short; the embedded simulator takes any token.
  const chars = [...t.token].length;
  if (t.baseUrl !== 'simulator' && chars > 0 && chars < MIN_TOKEN_CHARS && !refused.has(['target', 'token'])) {
    const at = where.has(['target', 'token']) ? where.value(['target', 'token']) : urlAt;
    const from = where.has(['target', 'token']) ? 'target.token' : 'STACKAI_API_KEY';
    ctx.errors.push(
      src.error(
        at,
        `${from} is ${chars} character${chars === 1 ? '' : 's'} long: too short to be an API key, and too short to redact from the reports`,
        `set the full StackAI API key (${MIN_TOKEN_CHARS} characters or more), e.g. target.token: \${STACKAI_API_KEY}`,
      ),
    );
  }
}

/** Shorter tokens are refused for a real target. */
export const MIN_TOKEN_CHARS = 8;

/** The embedded simulator reads target.simulator.flows when a run starts it: a broken file is refused now. */
function checkSimulatorFlows(s: Suite, ctx: LoadContext): void {
  const flows = s.target.simulator.flows;
  if (s.target.baseUrl !== 'simulator' || flows === null) return;
  try {
    loadFlowsShared(flows, { seed: s.target.simulator.seed });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // A file that cannot be read has no line of its own: the suite's line that names it.
    const unread = err.line === undefined;
    ctx.errors.push(
      unread
        ? ctx.src.error(
            ctx.where.value(['target', 'simulator', 'flows']),
            `target.simulator.flows: ${err.message} (${flows})`,
            'the path is relative to the suite file',
          )
        : err,
    );
  }
}

/**
 * What `mode: run` cannot do: run a draft (run_draft exists only on the stream endpoints), or measure the
 * timings taken from stream frames — a threshold on one would fail every run, a gate on one never fire,
 * a ttft grader be a grader error on every row. Refused here so `validate` and `run` say so alike.
 */
function checkRunMode(s: Suite, ctx: LoadContext): void {
  if (s.mode !== 'run') return;
  const byFlag = ctx.overrides.mode !== undefined;
  const modeFrom = byFlag ? '--mode run' : 'mode: run';
  const useStream = `use mode: stream (or sso-stream)${byFlag ? ' and drop --mode run' : ''}`;
  for (const draft of s.variants.filter((v) => v.runDraft)) {
    const i = ctx.variantIndex.get(draft.name) ?? 0;
    ctx.errors.push(
      ctx.src.error(
        ctx.where.key(['variants', i, 'run_draft']),
        `variant '${draft.name}' sets run_draft, but ${modeFrom} cannot run a draft: run_draft exists only on the stream endpoints`,
        `${useStream}, or remove run_draft from this variant`,
      ),
    );
  }
  const unmeasured = (timing: string) => `${modeFrom} does not measure ${timing} (the answer arrives whole, not streamed)`;
  for (const metric of Object.keys(s.thresholds)) {
    const timing = streamOnlyTiming(metric);
    if (timing === null) continue;
    ctx.errors.push(
      ctx.src.error(
        ctx.where.key(['thresholds', metric]),
        `thresholds.${metric}: ${unmeasured(timing)}, so this threshold would fail every run`,
        metric.startsWith('node_') ? useStream : `${useStream}, or hold latency instead (e.g. ${metric.replace(/^[a-z]+_/, 'latency_')})`,
      ),
    );
  }
  for (const key of Object.keys(s.compare?.failOn ?? {})) {
    const g = parseGate(key, s.compare!.failOn[key]!, Object.keys(s.metadata.fields));
    const timing = 'at' in g ? null : streamOnlyTiming(g.metric);
    if (timing === null) continue;
    ctx.errors.push(
      ctx.src.error(
        ctx.where.key(['compare', 'fail_on', key]),
        `compare.fail_on: gate "${key}": ${unmeasured(timing)}, so this gate could never fire`,
        `${useStream}, or gate latency instead (e.g. ${key.replace(/^[a-z]+_/, 'latency_')})`,
      ),
    );
  }
  s.graders.forEach((spec, i) => {
    if (spec.type.replace(/^not-/, '') !== 'ttft') return;
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['graders', i]),
        `graders[${i}] (${spec.type}): ${unmeasured('TTFT')}, so this grader would be a grader error on every row`,
        `${useStream}, or grade latency instead: { type: latency, max: ... }`,
      ),
    );
  });
}

function checkGraders(s: Suite, ctx: LoadContext): void {
  const unknownVar = s.feedback.template === null ? null : unknownFeedbackVariable(s.feedback.template);
  if (unknownVar !== null) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['feedback', 'template']),
        `feedback.template uses {{${unknownVar}}}, which is not a feedback variable`,
        `use: ${Object.keys(FEEDBACK_VARIABLES)
          .map((v) => `{{${v}}}`)
          .join(' ')}`,
      ),
    );
  }
  if (s.passScore !== null && s.passScore > 1) {
    ctx.errors.push(
      ctx.src.error(ctx.where.value(['pass_score']), `pass_score must be from 0 to 1, got ${s.passScore}`, 'grade scores are 0..1: e.g. pass_score: 0.8'),
    );
  }
  if (s.maxErrorRate > 1) {
    ctx.errors.push(
      ctx.src.error(
        ctx.where.value(['max_error_rate']),
        `max_error_rate must be from 0 to 1, got ${s.maxErrorRate}`,
        'a share of requests: e.g. max_error_rate: 0.1',
      ),
    );
  }
  s.graders.forEach((spec, i) => {
    const problem = checkGraderSpec(spec, { dir: s.dir });
    if (!problem) return;
    const at =
      problem.key !== undefined && ctx.where.has(['graders', i, problem.key]) ? ctx.where.key(['graders', i, problem.key]) : ctx.where.value(['graders', i]);
    ctx.errors.push(ctx.src.error(at, `graders[${i}] (${spec.type}): ${problem.message}`, problem.hint ?? 'see the grader reference, docs/graders.md'));
    ctx.refused.add(['graders', i]); // its templates and its module are not checked
  });
}
