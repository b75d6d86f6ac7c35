import { describe, expect, it } from 'vitest';
import { judgeAnswer } from '../../src/simulator/judge-answers.js';

const judge = (prompt: string) => JSON.parse(judgeAnswer(prompt)) as { score: number; reason: string };

describe('the simulated judge', () => {
  it('scores by the expected words the answer holds', () => {
    expect(judge('Question: q?\nExpected: Refunds take 5 to 7 days.\nAnswer: Sure! Refunds take 5 to 7 days.').score).toBe(10);
    expect(judge('Expected: refunds take five days\nAnswer: refunds are slow').score).toBe(3); // 1 of 4 words -> 2.5 -> 3
    expect(judge('Expected: a b c d\nAnswer: nothing here').score).toBe(0);
  });
  it('marks deflections down and asks for both sections', () => {
    expect(judge("Expected: gift cards never expire\nAnswer: I'm not sure, gift cards never expire?").score).toBe(2);
    expect(judge('Answer: only this').reason).toMatch(/Expected/);
  });
  it('reads multi-line sections and unicode words', () => {
    expect(judge('Expected: Zürich café\nline two\nAnswer: café in Zürich\nline two').score).toBe(10);
  });
});
