// What a simulated flow says: the correct answer for an input (CSV lookup or echo) and plausible wrong ones.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { judgeAnswer } from './judge-answers.js';
import type { Random } from '../random/seeded.js';
import type { YamlPath, FlowsYaml } from './flows-yaml.js';

export type AnswerSource =
  | {
      kind: 'csv';
      /** Absolute path of the CSV. */
      file: string;
      /** normalised question -> answer, as written in the CSV. */
      byQuestion: Map<string, string>;
      /** All distinct answers, for plausible wrong answers. */
      answers: string[];
      /** The questions as the CSV writes them, in order (the generated run history asks them). */
      questions: string[];
      /** Wraps a correct answer; `{{answer}}` is replaced by it. */
      template: string;
      /** Said for a question the CSV does not hold. */
      fallback: string;
      /** Generic deflections given instead of a correct answer. */
      wrong: string[];
    }
  | { kind: 'echo'; wrong: string[] }
  /** A simulated LLM judge: scores the "Answer:" of its prompt against the "Expected:" (judge-answers.ts). */
  | { kind: 'judge'; wrong: string[] };

const DEFAULT_WRONG = [
  "I'm sorry, I couldn't find anything about that in our help center. Please contact our support team for assistance.",
  'Thanks for reaching out! A member of our team will look into this and get back to you as soon as possible.',
  "That's a great question. Please check our FAQ page for the most up-to-date information on this topic.",
];
const DEFAULT_FALLBACK = "I'm not sure I understood your question. Could you rephrase it, or contact our support team?";
const KNOWN_KEYS = ['csv', 'question', 'answer', 'template', 'fallback', 'wrong'];

/** Case- and whitespace-insensitive form used to match questions and to check containment. */
export function normalizeText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Parses the `answers:` value of a flow: the string `echo`, or a mapping naming a CSV and its columns. */
export function loadAnswers(src: FlowsYaml, path: YamlPath, raw: unknown, baseDir: string): AnswerSource {
  if (raw === 'echo') return { kind: 'echo', wrong: DEFAULT_WRONG };
  if (raw === 'judge') return { kind: 'judge', wrong: ['{"score": 0, "reason": "I could not judge this answer."}'] };
  if (typeof raw === 'string')
    src.fail(path, `unknown answers source "${raw}"`, 'write `answers: echo`, `answers: judge`, or a mapping with csv, question and answer');
  const obj = src.object(path, raw);
  src.checkKeys(path, obj, KNOWN_KEYS);
  const csvRel = src.string([...path, 'csv'], obj.csv);
  const questionCol = src.string([...path, 'question'], obj.question ?? 'question');
  const answerCol = src.string([...path, 'answer'], obj.answer ?? 'answer');
  const template = obj.template === undefined ? '{{answer}}' : src.string([...path, 'template'], obj.template);
  if (!template.includes('{{answer}}')) src.fail([...path, 'template'], 'the template does not contain {{answer}}', 'put {{answer}} where the CSV answer goes');
  const fallback = obj.fallback === undefined ? DEFAULT_FALLBACK : src.string([...path, 'fallback'], obj.fallback);
  let wrong = DEFAULT_WRONG;
  if (obj.wrong !== undefined) {
    if (!Array.isArray(obj.wrong) || obj.wrong.length === 0)
      src.fail([...path, 'wrong'], 'expected a non-empty list of answers', 'list generic wrong answers, one per line starting with "- "');
    wrong = obj.wrong.map((w, i) => src.string([...path, 'wrong', i], w));
  }

  const file = resolve(baseDir, csvRel);
  let rows: string[][];
  try {
    rows = parse(readFileSync(file, 'utf8'), { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message.split('\n')[0];
    src.fail([...path, 'csv'], `cannot read answers CSV ${file}: ${reason}`, 'the path is relative to the flows file');
  }
  const header = rows[0] ?? [];
  const qi = header.indexOf(questionCol);
  const ai = header.indexOf(answerCol);
  if (qi < 0) src.fail([...path, 'question'], `column "${questionCol}" is not in ${csvRel}`, `use one of: ${header.join(', ')}`);
  if (ai < 0) src.fail([...path, 'answer'], `column "${answerCol}" is not in ${csvRel}`, `use one of: ${header.join(', ')}`);

  const byQuestion = new Map<string, string>();
  const questions: string[] = [];
  for (const row of rows.slice(1)) {
    const q = row[qi];
    const a = row[ai];
    if (q === undefined || a === undefined || q.trim() === '') continue;
    const key = normalizeText(q);
    if (!byQuestion.has(key)) {
      byQuestion.set(key, a);
      questions.push(q);
    }
  }
  if (byQuestion.size === 0) src.fail([...path, 'csv'], `${csvRel} has no rows with a question`, 'add rows below the header line');
  return { kind: 'csv', file, byQuestion, answers: [...new Set(byQuestion.values())], questions, template, fallback, wrong };
}

/** The correct answer text for an input, and the bare expected part graders look for. */
export function correctAnswer(src: AnswerSource, input: string): { text: string; expected: string } {
  if (src.kind === 'echo') return { text: input, expected: input };
  if (src.kind === 'judge') {
    const text = judgeAnswer(input);
    return { text, expected: text };
  }
  const answer = src.byQuestion.get(normalizeText(input));
  if (answer === undefined) return { text: src.fallback, expected: src.fallback };
  return { text: src.template.split('{{answer}}').join(answer), expected: answer };
}

/**
 * A plausible but wrong answer: another question's answer or a generic deflection,
 * never containing the expected text (so a `contains` grader fails it).
 */
export function wrongAnswer(src: AnswerSource, expected: string, random: Random): string {
  const bad = normalizeText(expected);
  const clean = (text: string): boolean => bad === '' || !normalizeText(text).includes(bad);
  if (src.kind === 'csv' && src.answers.length > 1 && random() < 0.5) {
    const start = Math.floor(random() * src.answers.length);
    for (let i = 0; i < src.answers.length; i++) {
      const other = src.answers[(start + i) % src.answers.length]!;
      const text = src.template.split('{{answer}}').join(other);
      if (clean(text)) return text;
    }
  }
  const start = Math.floor(random() * src.wrong.length);
  for (let i = 0; i < src.wrong.length; i++) {
    const text = src.wrong[(start + i) % src.wrong.length]!;
    if (clean(text)) return text;
  }
  return 'Sorry, I cannot help with that right now.';
}
