// Suites for the comparison tests: the test-only flows and their 200-question CSV, run from a temp folder.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FLOWS = resolve(import.meta.dirname, 'compare.flows.yaml');
/** 200 questions with known answers (the qa-bot flow answers from the same file). */
export const QA = resolve(import.meta.dirname, 'qa.csv');

/** Writes a suite running `variants` of `flow` over the first `rows` questions of qa.csv; returns its path. */
export function writeSuite(
  dir: string,
  opts: { name?: string; flow: string; rows: number; variants: string; compare?: string; file?: string; concurrency?: number; seed?: number },
): string {
  const file = join(dir, opts.file ?? 'suite.yaml');
  writeFileSync(
    file,
    `name: ${opts.name ?? 'cmp'}
target:
  flow_id: ${opts.flow}
  simulator: { flows: ${FLOWS}, seed: ${opts.seed ?? 7} }
dataset:
  path: ${QA}
  limit: ${opts.rows}
  inputs: { in-0: "{{question}}" }
  # qa-bot answers the CSV's answer; the echo flows answer the question itself.
  expected: "${opts.flow === 'qa-bot' ? '{{answer}}' : '{{question}}'}"
mode: stream
variants: ${opts.variants}
load: { concurrency: ${opts.concurrency ?? 16}, timeout: 20s }
graders:
  - { type: contains, value: "{{expected}}" }
${opts.compare ?? ''}
`,
  );
  return file;
}
