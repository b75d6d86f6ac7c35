// What a regrade may change: how the saved outputs are judged (graders, pass_score, thresholds,
// max_error_rate, compare, feedback, the suite's name) and priced (cost, goodput objectives; a budget
// has nothing left to limit), never what was sent or how it was timed.
// A suite given to `flowbench regrade --suite` is compared with the one the run recorded setting by
// setting (the hashes run-manifest.json keeps for --resume), and every other change is refused with why.
import type { Suite } from '../suite/types.js';
import { suiteSettings } from './run-manifest.js';

/** Top-level suite keys a regrade takes from the new suite: none of them changes what the flow was asked. */
export const REGRADABLE = ['name', 'graders', 'passScore', 'maxErrorRate', 'thresholds', 'compare', 'feedback', 'cost', 'goodput', 'budget'] as const;

/** Why a changed setting needs new flow calls, by its top-level key (the suite file's spelling first). */
const WHY: Record<string, string> = {
  target: 'another flow, org or server would answer',
  dataset: 'other rows or other inputs would be sent',
  mode: 'the answers would be read another way (run, stream, sso-stream)',
  stream: 'the stream would be asked for differently',
  output: 'another output key would be the answer',
  variants: 'other flow versions would answer',
  load: 'the timings were measured under the load as it was',
  metadata: "each run's metadata would be fetched or read differently",
  stopOn: 'the run would have stopped sending at another point',
};

/** The suite-file spelling of a Suite key, for messages (passScore → pass_score). */
const SPELLING: Record<string, string> = {
  passScore: 'pass_score',
  maxErrorRate: 'max_error_rate',
  stopOn: 'stop_on',
  baseUrl: 'base_url',
  orgId: 'org_id',
  flowId: 'flow_id',
};
const spelled = (key: string) =>
  key
    .split('.')
    .map((k) => SPELLING[k] ?? k)
    .join('.');

/** The settings that differ and are not regradable, each with its reason; [] when the suite may regrade the run. */
export function regradeRefusals(recorded: Suite, next: Suite): { key: string; why: string }[] {
  const before = suiteSettings(recorded);
  const now = suiteSettings(next);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  const differ = keys.filter((k) => before[k] !== now[k]).filter((k) => !(REGRADABLE as readonly string[]).includes(k.split('.')[0]!));
  // A setting turned on or off (null ↔ an object) shows as itself and its parts: named once.
  return differ
    .filter((k) => !(k.includes('.') && differ.includes(k.split('.')[0]!)))
    .map((k) => ({ key: spelled(k), why: WHY[k.split('.')[0]!] ?? 'it decides what the flow was sent' }));
}

/** One message for every refused setting, and the way out. */
export function refusalMessage(dir: string, refusals: { key: string; why: string }[]): { message: string; hint: string } {
  const list = refusals.map((r) => `${r.key} (${r.why})`).join('; ');
  return {
    message: `cannot regrade ${dir}: the suite changed what the run sent, which needs new flow calls: ${list}`,
    hint:
      'a regrade re-judges the saved outputs: change only graders, pass_score, thresholds, max_error_rate, compare, feedback, cost or goodput ' +
      '(flags the run was given, like --limit, count as part of its suite: set the same values). To send again, use `flowbench run`',
  };
}
