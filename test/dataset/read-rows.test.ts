import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { readColumns, readRows, type DatasetRow } from '../../src/dataset/read-rows.js';
import { ConfigError } from '../../src/errors/config-error.js';
import type { DatasetSpec } from '../../src/suite/types.js';

const dir = mkdtempSync(join(tmpdir(), 'flowbench-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(ext: DatasetSpec['format'], text: string): { path: string; format: DatasetSpec['format'] } {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, text);
  return { path, format: ext };
}

async function all(spec: { path: string; format: DatasetSpec['format']; limit?: number | null }): Promise<DatasetRow[]> {
  const out: DatasetRow[] = [];
  for await (const row of readRows(spec)) out.push(row);
  return out;
}

async function failure(spec: { path: string; format: DatasetSpec['format'] }): Promise<ConfigError> {
  const err = await all(spec).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and newlines, unicode, CRLF and a BOM', async () => {
    const spec = file('csv', '\uFEFFquestion, answer\r\n"Hi, there","say ""hi"""\r\n"two\nlines",ok\r\n\r\nnaïve 日本語 🚀,é\r\n');
    expect(await readColumns(spec)).toEqual(['question', 'answer']);
    expect(await all(spec)).toEqual([
      { index: 0, line: 2, values: { question: 'Hi, there', answer: 'say "hi"' } },
      { index: 1, line: 3, values: { question: 'two\nlines', answer: 'ok' } },
      { index: 2, line: 6, values: { question: 'naïve 日本語 🚀', answer: 'é' } },
    ]);
  });

  it.each([
    ['ragged row', 'a,b\n1,2\n"x\ny",3\n4,5,6\n', 5, /row has 3 field\(s\) but the header has 2 \(a, b\)/],
    ['short row', 'a,b\n1,2\n3\n', 3, /row has 1 field\(s\) but the header has 2/],
    ['quote never closed', 'a,b\n1,2\n"x,3\n5,6\n', 3, /quoted field that starts on line 3 is never closed/],
    ['text after a closing quote', 'a,b\n1,2\n"x"y,3\n', 3, /Invalid Closing Quote/],
    ['quote inside an unquoted field', 'a,b\n1,2\nx"y,3\n', 3, /Invalid Opening Quote/],
    ['duplicate header', 'a,a\n1,2\n', 1, /column name 'a' appears twice/],
    ['empty header name', 'a,,c\n1,2,3\n', 1, /column 2 has no name/],
  ])('%s -> line %d', async (_name, text, line, message) => {
    const spec = file('csv', text);
    const err = await failure(spec);
    expect(err.file).toBe(spec.path);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.format()).toMatch(new RegExp(`^${spec.path}:${line}: .*\\n  fix: `));
  });

  it('a header-only file has columns and no rows', async () => {
    const spec = file('csv', 'a,b\n');
    expect(await readColumns(spec)).toEqual(['a', 'b']);
    expect(await all(spec)).toEqual([]);
  });
});

describe('JSON Lines', () => {
  it('reads one object per line, skipping blank lines, keeping value types', async () => {
    const spec = file('jsonl', '{"q":"a","n":1}\n\n   \r\n{"q":"b","list":[1,2],"flag":true}\r\n{"q":"c"}');
    expect(await readColumns(spec)).toEqual(['q', 'n']);
    expect(await all(spec)).toEqual([
      { index: 0, line: 1, values: { q: 'a', n: 1 } },
      { index: 1, line: 4, values: { q: 'b', list: [1, 2], flag: true } },
      { index: 2, line: 5, values: { q: 'c' } },
    ]);
  });

  it.each([
    ['bad JSON', '{"q":1}\n\n{"q": }\n', 3, /line 3 is not valid JSON/],
    ['not an object', '{"q":1}\n[1,2]\n', 2, /line 2 is a list, not an object/],
  ])('%s names its line', async (_name, text, line, message) => {
    const spec = file('jsonl', text);
    const err = await failure(spec);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
  });

  it('stops reading at the bad line only when it is reached (limit before it)', async () => {
    const spec = file('jsonl', '{"q":1}\n{"q":2}\nnot json\n');
    expect((await all({ ...spec, limit: 2 })).map((r) => r.values.q)).toEqual([1, 2]);
  });
});

describe('JSON array', () => {
  it('streams elements, including strings holding ], commas, braces and escaped quotes', async () => {
    const text = '[\n  {"q": "a ] b, c", "x": "say \\"hi\\" ]"},\n  {"q": "{[\\\\]}", "nested": {"a": [1, {"b": "]"}]}},\n  {"q": "\\u00e9 ü"}\n]\n';
    const spec = file('json', text);
    expect(await readColumns(spec)).toEqual(['q', 'x']);
    expect(await all(spec)).toEqual([
      { index: 0, line: 2, values: { q: 'a ] b, c', x: 'say "hi" ]' } },
      { index: 1, line: 3, values: { q: '{[\\]}', nested: { a: [1, { b: ']' }] } } },
      { index: 2, line: 4, values: { q: 'é ü' } },
    ]);
  });

  it('reads an empty array as no rows', async () => {
    expect(await all(file('json', ' [ ] '))).toEqual([]);
  });

  it.each([
    ['not an array', '{"q": 1}', 1, /start with "\["/],
    ['bad element', '[\n{"q": 1},\n{"q": }\n]', 3, /element starting on line 3 is not valid JSON/],
    ['element not an object', '[{"q":1},\n 42]', 2, /line 2 is number, not an object/],
    ['unclosed array', '[{"q":1},\n{"q":2}\n', 3, /never closed/],
    ['trailing comma', '[{"q":1},\n]', 2, /trailing comma/],
    ['two commas', '[{"q":1},,{"q":2}]', 1, /empty element/],
    ['text after the array', '[{"q":1}]\nx', 2, /after the closing/],
    ['empty file', '', 1, /empty/],
  ])('%s -> ConfigError at line %d', async (_name, text, line, message) => {
    const spec = file('json', text);
    const err = await failure(spec);
    expect(err.file).toBe(spec.path);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
  });
});

describe('limit and size', () => {
  it.each(['csv', 'jsonl', 'json'] as const)('%s honours limit', async (format) => {
    const text = format === 'csv' ? 'q\n1\n2\n3\n4\n' : format === 'jsonl' ? '{"q":1}\n{"q":2}\n{"q":3}\n{"q":4}\n' : '[{"q":1},{"q":2},{"q":3},{"q":4}]';
    const rows = await all({ ...file(format, text), limit: 2 });
    expect(rows.map((r) => r.index)).toEqual([0, 1]);
  });

  it('streams a 100,000-row CSV (counts rows without collecting them)', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('id,question,answer\n');
    for (let i = 0; i < 100_000; i++) {
      if (!out.write(`${i},"question ${i}, with a comma","answer ""${i}"""\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    let count = 0;
    let last: DatasetRow | null = null;
    for await (const row of readRows({ path, format: 'csv' })) {
      count++;
      last = row;
    }
    expect(count).toBe(100_000);
    expect(last).toEqual({ index: 99_999, line: 100_001, values: { id: '99999', question: 'question 99999, with a comma', answer: 'answer "99999"' } });
  }, 60_000);

  it('a missing file is a ConfigError naming the path', async () => {
    const path = join(dir, 'nope.csv');
    const err = await failure({ path, format: 'csv' });
    expect(err.format()).toMatch(/nope\.csv: dataset not found: .*nope\.csv\n {2}fix: /);
    await expect(readColumns({ path: join(dir, 'nope.jsonl'), format: 'jsonl' })).rejects.toBeInstanceOf(ConfigError);
  });
});
