// The feedback text posted to StackAI for a graded result.
import type { Grade } from '../grade/types.js';

export const DEFAULT_FEEDBACK_TEMPLATE = 'flowbench {{verdict}} (score {{score}}) suite={{suite}} variant={{variant}} row={{row}}{{reasons}}';

export interface FeedbackVars {
  verdict: 'PASS' | 'FAIL';
  score: number | null;
  suite: string;
  variant: string;
  row: number;
  grades: Grade[];
}

/** Variables: {{verdict}}, {{score}}, {{suite}}, {{variant}}, {{row}}, {{reasons}} (failing graders' reasons). */
export function feedbackText(template: string | null, v: FeedbackVars): string {
  const failing = v.grades.filter((g) => !g.pass).map((g) => `${g.grader}: ${g.reason}`);
  const vars: Record<string, string> = {
    verdict: v.verdict,
    score: v.score === null ? 'n/a' : v.score.toFixed(2),
    suite: v.suite,
    variant: v.variant,
    row: String(v.row),
    reasons: failing.length ? ` — ${failing.join('; ')}` : '',
  };
  return (template ?? DEFAULT_FEEDBACK_TEMPLATE).replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => vars[k] ?? m);
}
