// Flows files: the demo loads, and every kind of bad input is a ConfigError naming file, line and a fix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { loadFlows } from '../../src/simulator/flows.js';
import { resolveVariant } from '../../src/simulator/resolve-variant.js';
import { DEFAULT_FLOWS_FILE } from '../../src/simulator/start.js';

const dir = mkdtempSync(join(tmpdir(), 'flowbench-flows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'qa.csv'), 'q,a\nHello?,Hi there.\n');

function flowsFile(text: string): string {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

function configError(text: string): ConfigError {
  try {
    loadFlows(flowsFile(text));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const GOOD = `seed: 5
flows:
  qa:
    answers: { csv: qa.csv, question: q, answer: a }
    versions:
      1: { quality: 1, ttft_ms: 10, tokens_per_s: 100 }
      2: { quality: 0.5, ttft_ms: 10, tokens_per_s: 100 }
`;

describe('loadFlows', () => {
  it('loads the bundled demo flows', () => {
    const c = loadFlows(DEFAULT_FLOWS_FILE);
    expect([...c.flows.keys()]).toEqual(expect.arrayContaining(['support-bot', 'echo-fast', 'fixed-timing']));
    const bot = c.flows.get('support-bot')!;
    expect(bot).toMatchObject({ inputKey: 'in-0', outputKey: 'out-0', published: 3 });
    expect(bot.draft.latency.ttftMs).toBeLessThan(bot.versions.get(3)!.latency.ttftMs);
    expect(bot.draft.quality).toBeLessThan(bot.versions.get(3)!.quality);
    expect(c.flows.get('fixed-timing')!.versions.get(1)!.latency).toMatchObject({ jitter: 0, progressMs: 300, ttftMs: 300 });
  });

  it('applies defaults, the seed override, and resolves versions', () => {
    const c = loadFlows(flowsFile(GOOD), { seed: 9 });
    expect(c.seed).toBe(9);
    const qa = c.flows.get('qa')!;
    expect(qa).toMatchObject({ inputKey: 'in-0', outputKey: 'out-0', published: 2 });
    expect(qa.versions.get(1)!.latency).toMatchObject({ progressMs: 10, progressIntervalMs: 100, jitter: 0, wordsPerFrame: 1 });
    expect(resolveVariant(qa, -1, false)).toMatchObject({ version: 2, draft: false });
    expect(resolveVariant(qa, 1, false)).toMatchObject({ version: 1 });
    expect(resolveVariant(qa, 3, false)).toBeNull();
    expect(resolveVariant(qa, 1, true)).toMatchObject({ draft: true });
    expect(loadFlows(flowsFile(GOOD)).seed).toBe(5);
  });

  it.each([
    [
      'an unknown key, with the closest known one',
      GOOD.replace('tokens_per_s: 100 }\n  ', 'tokens_per_s: 100 }\n  ').replace('1: { quality: 1,', '1: { qualty: 1,'),
      6,
      /unknown key "qualty"/,
      /quality/,
    ],
    ['a missing CSV column', GOOD.replace('question: q', 'question: question'), 4, /column "question"/, /q, a/],
    ['a missing CSV file', GOOD.replace('qa.csv', 'nope.csv'), 4, /cannot read answers CSV/, /relative to the flows file/],
    ['a quality out of range', GOOD.replace('quality: 0.5', 'quality: 1.5'), 7, /quality/, /<= 1/],
    ['a missing ttft_ms', GOOD.replace('ttft_ms: 10, tokens_per_s: 100 }\n      2', 'tokens_per_s: 100 }\n      2'), 6, /missing `ttft_ms`/, /defaults/],
    ['a version that is not a number', GOOD.replace('2: {', 'two: {'), 7, /not a positive integer/, /1, 2, 3/],
    ['a published version that does not exist', GOOD.replace('    versions:', '    published: 4\n    versions:'), 5, /version 4 is not defined/, /1, 2/],
    ['broken YAML', 'flows:\n  qa: [unclosed\n', undefined, /YAML syntax error/, /indentation/],
  ])('rejects %s', (_name, text, line, message, hint) => {
    const err = configError(text);
    expect(err.message).toMatch(message);
    expect(err.hint ?? '').toMatch(hint);
    expect(err.file).toMatch(/\.yaml$/);
    if (line !== undefined) expect(err.line).toBe(line);
    else expect(err.line).toBeGreaterThan(0);
    expect(err.format()).toContain('fix:');
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadFlows(join(dir, 'missing.yaml'))).toThrow(ConfigError);
  });
});
