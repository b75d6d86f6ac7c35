// The simulator's LLM judge (`answers: judge`): reads "Expected: ..." and "Answer: ..." sections from its
// prompt and answers {"score": 0..10, "reason": "..."} by how many of the expected words the answer holds,
// marking deflections ("I'm not sure", "contact support") down — deterministic, like every simulated flow.

const SECTION = /(?:^|\n)\s*(expected|answer)\s*:\s*([\s\S]*?)(?=\n\s*(?:expected|answer|question)\s*:|$)/gi;
const DEFLECTION = /not sure|forwarded your question|couldn't find|check the (faq|product page)/i;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The judge's answer text for a prompt. */
export function judgeAnswer(prompt: string): string {
  const parts: Record<string, string> = {};
  for (const m of prompt.matchAll(SECTION)) parts[m[1]!.toLowerCase()] = m[2]!.trim();
  const expected = parts.expected;
  const answer = parts.answer;
  if (expected === undefined || answer === undefined) {
    return JSON.stringify({ score: 0, reason: 'the prompt needs an "Expected:" and an "Answer:" section' });
  }
  const want = [...new Set(words(expected))];
  const have = new Set(words(answer));
  const found = want.filter((w) => have.has(w)).length;
  let score = want.length === 0 ? (have.size === 0 ? 10 : 5) : Math.round((10 * found) / want.length);
  const deflects = DEFLECTION.test(answer);
  if (deflects) score = Math.min(score, 2);
  const reason = deflects ? 'the answer deflects instead of answering' : `the answer covers ${found} of ${want.length} expected words`;
  return JSON.stringify({ score, reason });
}
