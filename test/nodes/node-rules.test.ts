// The rules around per-node timing, in process: the threshold and gate names on a node (what parses, what
// is refused with what fix), the suite loader refusing them where they could never be measured, NodeStats
// merging exactly across threads, and the simulator's `nodes:` list with its mistakes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateGate, parseGate, type Gate } from '../../src/compare/gates.js';
import { splitMetric } from '../../src/compare/metric-list.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { MAX_NODE_NAMES, NodeStats } from '../../src/metrics/node-stats.js';
import { metricValue, parseThreshold } from '../../src/metrics/thresholds.js';
import type { VariantSummary } from '../../src/metrics/variant-stats.js';
import type { ResultRecord } from '../../src/record/result-record.js';
import { loadFlows } from '../../src/simulator/flows.js';
import { planResponse } from '../../src/simulator/plan.js';
import { loadSuite } from '../../src/suite/load-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'flowbench-nodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('threshold and gate names on a node', () => {
  it('parses node_<stat>_ms.<node> for any node name, and reads the node’s time from the summary', () => {
    expect(parseThreshold('node_p95_ms.Retrieval', '< 400')).toEqual({ metric: 'node_p95_ms.Retrieval', op: '<', limit: 400 });
    expect(parseThreshold('node_max_ms.Knowledge Base', '<= 1000')).toMatchObject({ metric: 'node_max_ms.Knowledge Base' });
    expect(splitMetric('node_p95_ms.x_max')).toEqual({ family: 'node:x_max', stat: 'p95', timing: true });
    const summary = { nodes: [{ node: 'x_max', durationMs: { p95: 12 } }], metadataMetrics: {} } as unknown as VariantSummary;
    expect(metricValue(summary, 'node_p95_ms.x_max')).toBe(12); // not read as a metadata field "node_p95_ms.x"
  });

  it('refuses a misspelt node metric with the form it takes', () => {
    expect(parseThreshold('node_p96_ms.Retrieval', '< 400')).toMatch(/node_<stat>_ms\.<node name>.*node_p95_ms\.Retrieval/);
    expect(parseThreshold('node_p95_ms.Retrieval', 'fast')).toMatch(/must look like/);
  });

  it('parses node_<stat>_increase.<node> gates as timing gates', () => {
    expect(parseGate('node_p50_increase.Retrieval', '100ms')).toEqual({
      key: 'node_p50_increase.Retrieval',
      metric: 'node_p50_ms.Retrieval',
      direction: 'increase',
      limit: '100ms',
      limitValue: 100,
      relative: false,
    });
    expect(parseGate('node_p95_drop.LLM', '10%')).toMatchObject({ metric: 'node_p95_ms.LLM', direction: 'decrease', limitValue: 0.1, relative: true });
    expect(parseGate('node_p50_increase.Retrieval', '2pp')).toMatchObject({ at: 'value', message: expect.stringMatching(/rates only/) });
    expect(parseGate('node_max_increase.Retrieval', '100ms')).toMatchObject({ at: 'key', hint: expect.stringMatching(/node_p95_increase\.Retrieval/) });
  });

  it('reports no-data for a gate on a node neither side timed', () => {
    const g = parseGate('node_p50_increase.Reranker', '50ms') as Gate;
    expect(evaluateGate(g, undefined, 0.05)).toMatchObject({
      status: 'no-data',
      fired: false,
      reason: expect.stringMatching(/node_p50_ms\.Reranker was not measured on both sides/),
    });
  });
});

describe('the suite loader on node thresholds and gates', () => {
  file('rows.csv', 'q\nhello\n');
  const suite = (mode: string, thresholds: string, failOn = '{}') =>
    file(
      `s${Math.random().toString(36).slice(2)}.yaml`,
      `name: t\ntarget: { base_url: simulator, flow_id: echo-fast }\ndataset: { path: rows.csv, inputs: { in-0: "{{q}}" } }\nmode: ${mode}\noutput: out-0\nvariants: [{ name: a, version: 1 }, { name: b, version: 1 }]\nthresholds: ${thresholds}\ncompare: { baseline: a, fail_on: ${failOn} }\n`,
    );
  const refusal = async (path: string): Promise<ConfigError> => {
    try {
      await loadSuite(path);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('takes them in stream mode', async () => {
    const s = await loadSuite(suite('stream', '{ "node_p95_ms.Retrieval": "< 400" }', '{ "node_p50_increase.Retrieval": 50ms }'));
    expect(s.thresholds).toEqual({ 'node_p95_ms.Retrieval': '< 400' });
  });

  it('refuses a bad one at its line, and any in run mode, where no progress arrives', async () => {
    const bad = await refusal(suite('stream', '{ "node_p95_ms.Retrieval": "fast" }'));
    expect(bad.message).toMatch(/thresholds\.node_p95_ms\.Retrieval/);
    expect(bad.line).toBe(7);
    const run = await refusal(suite('run', '{ "node_p95_ms.Retrieval": "< 400" }'));
    expect(run.message).toMatch(/does not measure the time per node/);
    expect(run.hint ?? '').not.toMatch(/latency_/);
    const gate = await refusal(suite('run', '{}', '{ "node_p50_increase.Retrieval": 50ms }'));
    expect(gate.message).toMatch(/gate "node_p50_increase\.Retrieval".*could never fire/);
  });
});

describe('NodeStats', () => {
  const rec = (i: number, ok = true): ResultRecord =>
    ({
      ok,
      nodes: [
        { node: 'A', startMs: 1 + i, durationMs: 10 + i },
        { node: 'B', startMs: 11 + 2 * i, durationMs: 100 + 7 * i },
        { node: 'A', startMs: 111 + 9 * i, durationMs: 5 },
        { node: 'Out', startMs: 116 + 9 * i, durationMs: 50 },
      ],
      firstContentNode: 'Out',
      timestamps: { sent: 1000, contentFrames: [1000 + 116 + 9 * i], scheduled: 990, firstByte: 1000, end: 2000 },
    }) as unknown as ResultRecord;

  it('adds a node met twice as one time, splits the time before the first token, and merges thread deltas exactly', () => {
    const whole = new NodeStats();
    const a = new NodeStats();
    const b = new NodeStats();
    for (let i = 0; i < 40; i++) {
      whole.add(rec(i));
      (i % 3 === 0 ? a : b).add(rec(i));
    }
    whole.add(rec(99, false)); // failed: not counted
    const total = new NodeStats();
    total.merge(a.take());
    total.merge(b.take());
    total.merge(b.take()); // an empty delta adds nothing
    expect(total.summary()).toEqual(whole.summary());
    const [nodeA, nodeB, out] = whole.summary();
    expect([nodeA!.node, nodeB!.node, out!.node]).toEqual(['A', 'B', 'Out']);
    expect(nodeA!.requests).toBe(40);
    expect(nodeA!.durationMs.min).toBe(15); // 10 + 5: both stays
    expect(nodeB!.beforeFirstTokenMs.max).toBe(nodeB!.durationMs.max);
    expect(out!.beforeFirstTokenMs.max).toBe(0);
    expect(out!.firstContent).toBe(40);
  });

  it('keeps at most MAX_NODE_NAMES names per variant, whatever a server invents', () => {
    const s = new NodeStats();
    const many = Array.from({ length: MAX_NODE_NAMES + 10 }, (_, i) => ({ node: `n${i}`, startMs: i, durationMs: 1 }));
    s.add({ ok: true, nodes: many, timestamps: { sent: 0, contentFrames: [], scheduled: 0, firstByte: 0, end: 100 } } as unknown as ResultRecord);
    expect(s.summary().map((n) => n.node)).toEqual(many.slice(0, MAX_NODE_NAMES).map((n) => n.node));
  });
});

describe('the simulator’s node list', () => {
  const flows = (version: string) =>
    file(`f${Math.random().toString(36).slice(2)}.yaml`, `flows:\n  f:\n    answers: echo\n    versions:\n      1: ${version}\n`);
  const base = '{ quality: 1, tokens_per_s: 100, jitter: 0';

  it('starts each node at the sum of the times before it, and content at the sum of all', () => {
    const c = loadFlows(flows(`${base}, nodes: [{ name: In, ms: 30 }, { name: Tool, ms: 250 }, { name: Out }] }`));
    const flow = c.flows.get('f')!;
    const v = { version: 1, draft: false, model: flow.versions.get(1)! };
    expect(v.model.latency.ttftMs).toBe(280);
    const p = planResponse(c.seed, flow, v, { 'in-0': 'a b c' }, 0);
    expect(p.chunks[0]!.at).toBe(280);
    // Node starts (0, 30) and the interval frames (every 100 ms) before the first content.
    expect(p.progressAt).toEqual([0, 30, 100, 200]);
    expect(p.nodeProgress!.frames.map((f) => [f.current_node, f.started_nodes, f.completed_nodes, f.total_nodes])).toEqual([
      ['In', 1, 0, 3],
      ['Tool', 2, 1, 3],
      ['Tool', 2, 1, 3],
      ['Tool', 2, 1, 3],
    ]);
    expect(p.nodeProgress!.streaming).toMatchObject({ current_node: 'Out', started_nodes: 3, completed_nodes: 2 });
    expect(p.nodeProgress!.done).toMatchObject({ current_node: 'Out', completed_nodes: 3 });
  });

  it.each([
    ['a time on the last node', `${base}, nodes: [{ name: In, ms: 3 }, { name: Out, ms: 5 }] }`, /streams the answer/, /remove its ms/],
    ['a node without a time', `${base}, nodes: [{ name: In }, { name: Out }] }`, /has no `ms`/, /Retrieval, ms: 300/],
    ['a node listed twice', `${base}, nodes: [{ name: In, ms: 3 }, { name: In }] }`, /listed twice/, /own name/],
    [
      'a ttft_ms that is not the sum',
      `${base}, ttft_ms: 10, nodes: [{ name: In, ms: 3 }, { name: Out }] }`,
      /not the sum of the node times \(3\)/,
      /remove ttft_ms/,
    ],
    ['progress_ms beside nodes', `${base}, progress_ms: 10, nodes: [{ name: In, ms: 3 }, { name: Out }] }`, /does not apply/, /remove it/],
    ['an empty list', `${base}, nodes: [] }`, /list of nodes/, /name: Input/],
  ])('refuses %s, naming the fix', (_name, version, message, hint) => {
    try {
      loadFlows(flows(version));
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(message);
      expect((err as ConfigError).hint ?? '').toMatch(hint);
      expect((err as ConfigError).line).toBe(5);
    }
  });
});
