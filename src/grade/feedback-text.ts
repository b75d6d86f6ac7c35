// The feedback text posted to StackAI for a graded result, from a template with documented variables.
import type { Grade } from './types.js';

export const DEFAULT_FEEDBACK_TEMPLATE = 'flowbench {{verdict}} (score {{score}}) suite={{suite}} variant={{variant}} row={{row}}{{reasons}}';

export interface FeedbackVars {
  verdict: 'PASS' | 'FAIL';
  score: number | null;
  suite: string;
  variant: string;
  row: number;
  grades: Grade[];
  runId?: string;
  output?: string;
  expected?: string | null;
}

/** Every variable a feedback template may use, with what it holds (docs/graders.md lists these). */
export const FEEDBACK_VARIABLES: Readonly<Record<string, string>> = {
  verdict: 'PASS or FAIL',
  score: "the row's weighted score, 0.00..1.00 (n/a without graders)",
  suite: 'the suite name',
  variant: 'the variant name',
  row: 'the 0-based dataset row',
  run_id: 'the run id',
  reasons: '" — grader: reason; …" for failing graders, else empty',
  failed: "failing graders' names, comma-separated",
  grades: 'every grade as "grader=PASS(1.00)", space-separated',
  expected: 'the expected answer',
  output: "the flow's answer (cut to 200 characters)",
};

export function feedbackText(template: string | null, v: FeedbackVars): string {
  const failing = v.grades.filter((g) => !g.pass);
  const output = v.output ?? '';
  const vars: Record<string, string> = {
    verdict: v.verdict,
    score: v.score === null ? 'n/a' : v.score.toFixed(2),
    suite: v.suite,
    variant: v.variant,
    row: String(v.row),
    run_id: v.runId ?? '',
    reasons: failing.length ? ` — ${failing.map((g) => `${g.grader}: ${g.reason}`).join('; ')}` : '',
    failed: failing.map((g) => g.grader).join(', '),
    grades: v.grades.map((g) => `${g.grader}=${g.error ? 'ERROR' : g.pass ? 'PASS' : 'FAIL'}(${g.score.toFixed(2)})`).join(' '),
    expected: v.expected ?? '',
    output: output.length > 200 ? `${output.slice(0, 200)}…` : output,
  };
  // Unknown names are left as written; the loader refuses them before a run (checkFeedbackTemplate).
  return (template ?? DEFAULT_FEEDBACK_TEMPLATE).replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => vars[k] ?? m);
}

/** The first {{name}} in the template that is not a feedback variable, or null. */
export function unknownFeedbackVariable(template: string): string | null {
  // Own keys only: {{constructor}} is not a feedback variable.
  for (const m of template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) if (!Object.hasOwn(FEEDBACK_VARIABLES, m[1]!)) return m[1]!;
  return null;
}
