// Grouping rows into conversations and refusing the datasets that cannot be: direct tests of the reader and
// of the suite loader's conversation checks (no run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConversations, type DatasetConversation } from '../../src/dataset/conversations.js';
import type { ConversationSpec, DatasetSpec } from '../../src/dataset/dataset-spec.js';
import { ConfigError, ConfigErrors } from '../../src/errors/config-error.js';
import { planRequests } from '../../src/runner/plan.js';
import { loadSuite } from '../../src/suite/load-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'flowbench-conversations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(format: DatasetSpec['format'], text: string): string {
  const path = join(dir, `d${n++}.${format}`);
  writeFileSync(path, text);
  return path;
}

async function read(path: string, format: DatasetSpec['format'], conversation: ConversationSpec): Promise<DatasetConversation[]> {
  const out: DatasetConversation[] = [];
  for await (const c of readConversations({ path, format, limit: null, conversation })) out.push(c);
  return out;
}

async function refused(path: string, format: DatasetSpec['format'], conversation: ConversationSpec): Promise<ConfigError> {
  const err = await read(path, format, conversation).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const byColumn: ConversationSpec = { id: '{{conv}}', turn: 'turn', turns: null };

describe('conversations from rows', () => {
  it('groups consecutive rows by id and orders them by the turn column', async () => {
    const path = file('csv', 'conv,turn,q\na,2,second\na,1,first\na,3,third\nb,1,only\n');
    const convs = await read(path, 'csv', byColumn);
    expect(convs.map((c) => [c.id, c.index, c.line])).toEqual([
      ['a', 0, 2],
      ['b', 1, 5],
    ]);
    expect(convs[0]!.turns.map((t) => [t.turn, t.row, t.line, t.values.q])).toEqual([
      [1, 1, 3, 'first'],
      [2, 0, 2, 'second'],
      [3, 2, 4, 'third'],
    ]);
  });

  it('without a turn column, file order is the turn order', async () => {
    const path = file('csv', 'conv,q\nx,one\nx,two\n');
    const [c] = await read(path, 'csv', { id: '{{conv}}', turn: null, turns: null });
    expect(c!.turns.map((t) => [t.turn, t.values.q])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('refuses a turn number given twice, naming both lines', async () => {
    const err = await refused(file('csv', 'conv,turn,q\na,1,x\na,2,y\na,2,z\n'), 'csv', byColumn);
    expect(err.message).toBe("conversation 'a' has turn 2 twice (lines 3 and 4)");
    expect(err.line).toBe(4);
  });

  it('refuses a missing turn number', async () => {
    const err = await refused(file('csv', 'conv,turn,q\na,1,x\na,3,y\n'), 'csv', byColumn);
    expect(err.message).toBe("conversation 'a' lacks turn 2 (it has turns 1, 3)");
    expect(err.line).toBe(2);
  });

  it('refuses a turn that is not a whole number >= 1', async () => {
    const err = await refused(file('csv', 'conv,turn,q\na,first,x\n'), 'csv', byColumn);
    expect(err.message).toContain('has turn "first", not a whole number >= 1');
    expect(err.line).toBe(2);
  });

  it("refuses a conversation whose rows are split by another conversation's", async () => {
    const err = await refused(file('csv', 'conv,turn,q\na,1,x\nb,1,y\na,2,z\n'), 'csv', byColumn);
    expect(err.message).toBe("conversation 'a' continues on line 4 after rows of other conversations");
    expect(err.line).toBe(4);
    expect(err.hint).toContain('sort the dataset by conversation');
  });

  it('refuses a row without a conversation id', async () => {
    const err = await refused(file('csv', 'conv,turn,q\n,1,x\n'), 'csv', byColumn);
    expect(err.message).toContain('has no conversation id');
  });
});

describe('conversations as a list of turns per row', () => {
  const lists: ConversationSpec = { id: '{{id}}', turn: null, turns: 'turns' };

  it('merges each turn over the row, numbering turns and their rows across the file', async () => {
    const path = file('jsonl', '{"id":"c1","topic":"refunds","turns":[{"q":"a"},{"q":"b"}]}\n{"id":"c2","topic":"x","turns":[{"q":"c","topic":"own"}]}\n');
    const convs = await read(path, 'jsonl', lists);
    expect(convs.map((c) => c.turns.map((t) => [t.turn, t.row, t.line, t.values]))).toEqual([
      [
        [1, 0, 1, { id: 'c1', topic: 'refunds', q: 'a' }],
        [2, 1, 1, { id: 'c1', topic: 'refunds', q: 'b' }],
      ],
      [[1, 2, 2, { id: 'c2', topic: 'own', q: 'c' }]],
    ]);
  });

  it('refuses a row whose turns are not a list of objects, and an id used twice', async () => {
    expect((await refused(file('jsonl', '{"id":"c","turns":"hello"}\n'), 'jsonl', lists)).message).toContain("has no list of turns in 'turns'");
    expect((await refused(file('jsonl', '{"id":"c","turns":["hi"]}\n'), 'jsonl', lists)).message).toContain('turn 1 of the row on line 1 is not an object');
    const twice = await refused(file('jsonl', '{"id":"c","turns":[{"q":1}]}\n{"id":"c","turns":[{"q":2}]}\n'), 'jsonl', lists);
    expect(twice.line).toBe(2);
  });
});

describe('the suite loader', () => {
  function suite(dataset: string, graders = ''): string {
    const data = join(dir, `s${n++}.csv`);
    writeFileSync(data, 'conv,turn,question\na,1,hi\na,2,bye\n');
    const path = join(dir, `s${n++}.yaml`);
    writeFileSync(path, `name: s\ntarget: { flow_id: echo-fast }\ndataset:\n  path: ${data}\n${dataset}${graders}`);
    return path;
  }
  const messages = async (path: string) => {
    const err = (await loadSuite(path, { env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    return (err instanceof ConfigErrors ? err.errors : [err]).map((e) => `${e.line}: ${e.message}`);
  };

  it('defaults user_id to the conversation user and lets templates name the turn', async () => {
    const s = await loadSuite(suite('  conversation: conv\n  turn: turn\n  inputs: { in-0: "{{turn}}. {{question}} ({{conversation}})" }\n'), { env: {} });
    expect(s.dataset.conversation).toEqual({ id: '{{conv}}', turn: 'turn', turns: null });
    expect(s.dataset.inputs).toEqual({ 'in-0': '{{turn}}. {{question}} ({{conversation}})', user_id: '{{conversation_user}}' });
  });

  it('refuses turn without conversation, a missing column, a user_id of its own, and scope: conversation without conversations', async () => {
    expect(await messages(suite('  turn: turn\n', '\ngraders:\n  - { type: contains, value: x, scope: conversation }\n'))).toEqual([
      '5: dataset.turn needs dataset.conversation: turns are numbered within a conversation',
      '8: graders[0] (contains): scope: conversation needs a conversation dataset',
    ]);
    expect(await messages(suite('  conversation: chat\n  inputs: { user_id: "u-{{row}}" }\n'))).toEqual([
      "5: dataset.conversation names column 'chat', which the dataset does not have",
      '6: in a conversation dataset, inputs.user_id must contain {{conversation_user}}: each conversation runs on a user id of its own',
    ]);
  });

  it('lets a conversation grader, and only it, name {{transcript}}', async () => {
    const judge = (scope: string) => `graders:\n  - { type: contains, value: "{{transcript}}"${scope} }\n`;
    await expect(loadSuite(suite('  conversation: conv\n', judge(', scope: conversation')), { env: {} })).resolves.toBeDefined();
    expect((await messages(suite('  conversation: conv\n', judge(''))))[0]).toContain("names column 'transcript'");
  });
});

describe('the plan of a conversation dataset', () => {
  it('with repeat 2: each conversation twice per variant, interleaved like rows, each carrying its repeat', async () => {
    const path = file('csv', 'conv,turn,q\na,1,hi\na,2,more\nb,1,hello\n');
    const conversation: ConversationSpec = { id: '{{conv}}', turn: 'turn', turns: null };
    const plan: string[] = [];
    for await (const p of planRequests({ path, format: 'csv', limit: null, inputs: {}, expected: null, conversation } as DatasetSpec, 2, 1, 2))
      plan.push(`${p.conversation!.id}:v${p.variant}:r${p.repeat}:${p.conversation!.turns.length}`);
    expect(plan).toEqual(['a:v0:r0:2', 'a:v1:r0:2', 'a:v1:r1:2', 'a:v0:r1:2', 'b:v1:r0:1', 'b:v0:r0:1', 'b:v0:r1:1', 'b:v1:r1:1']);
  });
});
