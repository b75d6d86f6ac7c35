// The outcome table a comparison pairs: warm-up lines and a conversation's skipped turns (never sent) are
// in no statistic, so they have no outcome; every other line has one, by row.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOutcomes, rowKey } from '../../src/compare/outcomes.js';
import { tempDir } from '../helpers/cli.js';
import { baseRecord } from '../helpers/records.js';
import { writeJsonl } from '../report/fixtures.js';

describe('readOutcomes', () => {
  it('leaves out warm-up lines and skipped conversation turns', async () => {
    const path = join(tempDir(), 'results.jsonl');
    const failed = { ok: false, error: { kind: 'flow_error' as const, message: 'x', status: null } };
    writeJsonl(path, [
      baseRecord({ variant: 'a', row: 0, conversation: 'c', turn: 1 }),
      baseRecord({ variant: 'a', row: 1, conversation: 'c', turn: 2, ...failed }),
      baseRecord({ variant: 'a', row: 2, conversation: 'c', turn: 3, ok: false, skipped: true, error: { kind: 'skipped', message: 'not sent', status: null } }),
      baseRecord({ variant: 'a', row: 3, warmup: true }),
    ]);
    const rows = (await readOutcomes(path)).get('a')!;
    expect([...rows.keys()].sort()).toEqual([rowKey(0, 0), rowKey(1, 0)].sort());
    expect(rows.get(rowKey(1, 0))!.ok).toBe(false);
  });
});
