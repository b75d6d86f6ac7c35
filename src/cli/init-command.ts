// `flowbench init`: writes a commented starter suite and a tiny dataset that run at once; never overwrites a file.
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readColumns, readRows } from '../dataset/read-rows.js';
import { ConfigError } from '../errors/config-error.js';
import { redactUrl } from '../stackai/url-credentials.js';
import { MODES } from '../suite/suite-schema.js';

export interface InitFlags {
  baseUrl?: string;
  orgId?: string;
  flowId?: string;
  mode?: string;
  dataset?: string;
  /** Accept the defaults for every value not given by a flag, without asking. */
  yes?: boolean;
}

export interface InitIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Ask for the values that no flag gave (a terminal, and no --yes). */
  interactive: boolean;
}

export const SUITE_FILE = 'flowbench.yaml';
const SCHEMA_FILE = fileURLToPath(new URL('../../schema/suite.schema.json', import.meta.url));
const BUNDLED_DATASET = fileURLToPath(new URL('../../datasets/support.csv', import.meta.url));
const STARTER_ROWS = 5;

interface Answers {
  baseUrl: string;
  orgId: string;
  flowId: string;
  mode: string;
  dataset: string;
}

export async function initCommand(dirArg: string | undefined, flags: InitFlags, io: InitIo): Promise<number> {
  const dir = resolve(dirArg ?? '.');
  const suiteFile = join(dir, SUITE_FILE);
  if (existsSync(suiteFile)) {
    throw new ConfigError(
      `${SUITE_FILE} already exists; flowbench init never overwrites a file`,
      { file: shown(suiteFile) },
      `run it (flowbench run ${shown(suiteFile)}), or init another folder: flowbench init my-suite`,
    );
  }
  const a = await answers(flags, io);
  check(a);
  const datasetFile = resolve(dir, a.dataset);
  const ext = extname(datasetFile).toLowerCase();
  if (!['.csv', '.jsonl', '.json'].includes(ext)) {
    throw new ConfigError(`--dataset must end in .csv, .jsonl or .json: ${a.dataset}`, {}, 'e.g. --dataset dataset.csv');
  }

  // An existing dataset is used as it is (never overwritten): its columns pick the input and expected templates.
  const existing = existsSync(datasetFile);
  const columns = existing
    ? await readColumns({ path: datasetFile, format: ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : 'jsonl' })
    : ['question', 'answer'];
  const input = pick(columns, ['question', 'input', 'prompt', 'query', 'text', 'in-0']) ?? columns[0];
  if (input === undefined)
    throw new ConfigError('the dataset has no columns', { file: shown(datasetFile) }, 'give a CSV with a header row, or JSON objects with keys');
  const expected = pick(columns, ['answer', 'expected', 'expected_output', 'reference', 'output']);

  await mkdir(dir, { recursive: true });
  await writeFile(suiteFile, starterSuite(a, relative(dir, datasetFile), relative(dir, SCHEMA_FILE), input, expected), { flag: 'wx' });
  if (!existing) {
    await mkdir(dirname(datasetFile), { recursive: true });
    await writeFile(datasetFile, await starterRows(ext), { flag: 'wx' });
  }
  const s = shown(suiteFile);
  io.output.write(
    `wrote ${s} (suite)${existing ? `; using ${shown(datasetFile)} as it is (input {{${input}}}${expected ? `, expected {{${expected}}}` : ''})` : ` and ${shown(datasetFile)} (${STARTER_ROWS} rows)`}\n` +
      `next:\n  flowbench validate ${s}   # checks it, sends nothing\n  flowbench run ${s}\n` +
      (a.baseUrl === 'simulator' ? '' : '  (set STACKAI_API_KEY first, or pass --env-file .env)\n'),
  );
  return 0;
}

async function answers(flags: InitFlags, io: InitIo): Promise<Answers> {
  const simulator = (flags.baseUrl ?? 'simulator') === 'simulator';
  const defaults: Answers = {
    baseUrl: 'simulator',
    orgId: simulator ? 'demo' : '${STACKAI_ORG_ID}',
    flowId: 'support-bot',
    mode: 'stream',
    dataset: 'dataset.csv',
  };
  const given: Partial<Answers> = Object.fromEntries(Object.entries(flags).filter(([k, v]) => k in defaults && v !== undefined));
  if (!io.interactive || flags.yes) return { ...defaults, ...given };
  const rl = createInterface({ input: io.input, terminal: false });
  const lines = rl[Symbol.asyncIterator](); // keeps lines typed (or pasted) ahead of their question
  const ask = async (key: keyof Answers, question: string, dflt: string): Promise<string> => {
    if (given[key] !== undefined) return given[key]!;
    io.output.write(`${question} [${dflt}]: `);
    const next = await lines.next();
    if (next.done)
      throw new ConfigError(
        'flowbench init cancelled: input ended before every answer',
        {},
        'run it again and answer each question, or give the values as flags (--yes for the defaults)',
      );
    const reply = next.value.trim();
    return reply === '' ? dflt : reply;
  };
  try {
    io.output.write('flowbench init: answer or press Enter for the default in brackets.\n');
    const baseUrl = await ask('baseUrl', 'StackAI base URL ("simulator" runs the embedded simulator, or https://api.stack-ai.com)', defaults.baseUrl);
    const sim = baseUrl === 'simulator';
    const orgId = await ask('orgId', 'Organisation id', sim ? 'demo' : '${STACKAI_ORG_ID}');
    const flowId = await ask('flowId', sim ? 'Flow id (simulator flows: support-bot, echo-fast)' : 'Flow id', defaults.flowId);
    const mode = await ask('mode', `Mode (${MODES.join(' | ')})`, defaults.mode);
    const dataset = await ask('dataset', 'Dataset path (written unless it exists)', defaults.dataset);
    return { baseUrl, orgId, flowId, mode, dataset };
  } finally {
    rl.close();
  }
}

function check(a: Answers): void {
  if (!(MODES as readonly string[]).includes(a.mode))
    throw new ConfigError(`mode must be one of ${MODES.join(' | ')}, got ${JSON.stringify(a.mode)}`, {}, 'e.g. --mode stream');
  if (a.baseUrl !== 'simulator' && !/^https?:\/\/\S+$/.test(a.baseUrl)) {
    throw new ConfigError(
      `base URL must be "simulator" or an http(s) URL, got ${JSON.stringify(redactUrl(a.baseUrl))}`,
      {},
      'e.g. --base-url https://api.stack-ai.com',
    );
  }
  for (const [k, v] of [
    ['flow id', a.flowId],
    ['org id', a.orgId],
    ['dataset', a.dataset],
  ] as const) {
    if (v.trim() === '' || /[\n"]/.test(v)) throw new ConfigError(`${k} must be non-empty text without quotes or line breaks`, {}, `give a plain ${k}`);
  }
}

const pick = (columns: string[], names: string[]) => names.find((n) => columns.includes(n));

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/** The first rows of the bundled support dataset: the simulator's support-bot knows their answers. */
async function starterRows(ext: string): Promise<string> {
  const rows: Array<{ question: string; answer: string }> = [];
  for await (const { values } of readRows({ path: BUNDLED_DATASET, format: 'csv', limit: STARTER_ROWS })) {
    rows.push({ question: String(values.question), answer: String(values.answer) });
  }
  if (ext === '.json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (ext === '.jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${['question,answer', ...rows.map((r) => `${field(r.question)},${field(r.answer)}`)].join('\n')}\n`;
}

function starterSuite(a: Answers, dataset: string, schema: string, input: string, expected: string | undefined): string {
  const sim = a.baseUrl === 'simulator';
  const slug = a.flowId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const name = /^[a-z]/.test(slug) ? slug : `flow-${slug || 'x'}`; // a hex flow id still reads as a name
  const q = (s: string) => JSON.stringify(s);
  // One column for the comments, so the file reads as a table of keys.
  const l = (text: string, comment?: string) => (comment ? `${text.padEnd(Math.max(38, text.length + 1))}# ${comment}` : text);
  const off = (text: string) => (expected ? text : `# ${text}`);
  return [
    `# yaml-language-server: $schema=${schema.split('\\').join('/')}`,
    "# A flowbench suite, written by `flowbench init`. Every key and its default: flowbench's docs/suite-reference.md.",
    `#   flowbench validate ${SUITE_FILE}   checks this file and the dataset, sends nothing`,
    `#   flowbench run ${SUITE_FILE}        runs it, prints the table, writes reports/`,
    `name: ${name}`,
    'target:',
    sim ? l('  base_url: simulator', 'the embedded StackAI simulator; your flow: https://api.stack-ai.com') : `  base_url: ${a.baseUrl}`,
    l(`  org_id: ${q(a.orgId)}`, sim ? 'the simulator takes any org id' : 'your StackAI organisation id'),
    l(`  flow_id: ${q(a.flowId)}`, sim ? 'simulator flows: support-bot, echo-fast (suites/demo.flows.yaml)' : "the id in the flow's URL"),
    l(`  token: ${sim ? '${STACKAI_API_KEY:-}' : '${STACKAI_API_KEY}'}`, 'from the environment (or --env-file .env); never printed'),
    'dataset:',
    l(`  path: ${q(dataset)}`, 'relative to this file: .csv (header row), .jsonl or .json'),
    l('  inputs:', "the flow's inputs for each row; {{column}} is a dataset column"),
    l(`    in-0: "{{${input}}}"`, "the flow's input key"),
    l('    user_id: "flowbench-{{row}}"', '{{row}} is the row index'),
    ...(expected ? [l(`  expected: "{{${expected}}}"`, 'graders see it as {{expected}}')] : []),
    l(`mode: ${a.mode}`, 'run | stream | sso-stream (TTFT is measured in the stream modes)'),
    l('output: out-0', 'the output key that holds the answer'),
    l('variants:', 'every variant runs every row'),
    l('  - { name: published, version: -1 }', '-1 = the latest published version'),
    l('  # - { name: v2, version: 2 }', 'a fixed version, side by side'),
    l('  # - { name: draft, run_draft: true }', 'the unpublished draft (stream modes only)'),
    'load:',
    l('  concurrency: 2', 'requests in flight'),
    l('  timeout: 30s', 'time allowed per request'),
    l(off('graders:'), 'every grader must pass for a row to pass'),
    off('  - { type: icontains, value: "{{expected}}" }'),
    l('thresholds:', 'any failure -> exit code 1 (for CI)'),
    '  error_rate: "< 0.01"',
    '  # ttft_p95_ms: "< 1500"',
    '  # pass_rate: ">= 0.8"',
    'report:',
    '  dir: reports/{{name}}-{{timestamp}}',
    '',
  ].join('\n');
}

export function registerInit(program: Command, exit: (code: number) => void): void {
  program
    .command('init')
    .description('write a commented starter suite (flowbench.yaml) and a tiny dataset that run at once; never overwrites')
    .argument('[dir]', 'folder to write into', '.')
    .option('--base-url <url>', '"simulator" (default) or https://api.stack-ai.com')
    .option('--org-id <id>', 'StackAI organisation id')
    .option('--flow-id <id>', 'flow id (simulator flows: support-bot, echo-fast)')
    .addOption(new Option('--mode <mode>', 'endpoint').choices(MODES))
    .option('--dataset <path>', 'dataset file, relative to dir: written when missing, used as it is when present')
    .option('-y, --yes', 'do not ask: defaults for every value no flag gives')
    .addHelpText(
      'after',
      '\nAsks for each value on a terminal; elsewhere the flags and defaults are used.\n\nExamples:\n  flowbench init && flowbench run flowbench.yaml\n  flowbench init my-bot --base-url https://api.stack-ai.com --org-id $STACKAI_ORG_ID --flow-id 6650a1f0c1e2d3b4a5f6e7d8',
    )
    .action(async (dir: string, flags: InitFlags) => {
      exit(
        await initCommand(dir, flags, {
          input: process.stdin,
          output: process.stdout,
          interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
        }),
      );
    });
}
