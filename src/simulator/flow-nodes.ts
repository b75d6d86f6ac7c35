// A simulated flow version's node list (`nodes:` in the flows YAML): which nodes a stream walks through,
// how long each is current, and the progress_data each of its frames carries.
import type { FlowsYaml, YamlPath } from './flows-yaml.js';
import type { ProgressData } from './wire.js';

/** One node before the answer streams: current_node for `ms` (times the request's jitter factor). */
export interface FlowNode {
  name: string;
  ms: number;
}

/**
 * The nodes of one version: `before` are walked in order, then `output` streams the answer, so the first
 * content comes exactly at the sum of the `before` times. The progress values are built once per version.
 */
export interface FlowNodes {
  before: readonly FlowNode[];
  output: string;
  /** progress_data while each `before` node is current. */
  progress: readonly ProgressData[];
  /** progress_data of content frames, and of the completion frame. */
  streaming: ProgressData;
  done: ProgressData;
  /** The sum of the `before` times, ms: the time to first content without jitter. */
  firstContentMs: number;
}

const NODE_KEYS = ['name', 'ms'];
const HINT = 'write e.g. nodes: [{ name: Input, ms: 10 }, { name: Retrieval, ms: 300 }, { name: LLM, ms: 200 }, { name: Output }]';

/** Reads `nodes:`: a list of { name, ms }, the last one (the node that streams the answer) without `ms`. */
export function loadNodes(src: FlowsYaml, path: YamlPath, raw: unknown): FlowNodes {
  if (!Array.isArray(raw) || raw.length < 1) src.fail(path, 'expected a list of nodes', HINT);
  const list = raw as unknown[];
  const names = new Set<string>();
  const before: FlowNode[] = [];
  let output = '';
  list.forEach((item, i) => {
    const at = [...path, i];
    const obj = src.object(at, item);
    src.checkKeys(at, obj, NODE_KEYS);
    const name = src.string([...at, 'name'], obj.name);
    if (names.has(name)) src.fail([...at, 'name'], `node "${name}" is listed twice`, 'give every node its own name');
    names.add(name);
    const last = i === list.length - 1;
    if (last) {
      if (obj.ms !== undefined)
        src.fail([...at, 'ms'], `the last node ("${name}") streams the answer: its time is the answer's`, 'remove its ms; tokens_per_s paces it');
      output = name;
      return;
    }
    if (obj.ms === undefined)
      src.fail(at, `node "${name}" has no \`ms\``, 'give every node but the last the ms it is current, e.g. { name: Retrieval, ms: 300 }');
    before.push({ name, ms: src.number([...at, 'ms'], obj.ms, { min: 0 }) });
  });
  return nodeList(before, output);
}

/** The progress values of a node list (frozen, shared by every stream of the version). */
export function nodeList(before: readonly FlowNode[], output: string): FlowNodes {
  const total = before.length + 1;
  const at = (node: string, started: number, completed: number): ProgressData =>
    Object.freeze({ current_node: node, total_nodes: total, started_nodes: started, completed_nodes: completed });
  return {
    before,
    output,
    progress: before.map((n, i) => at(n.name, i + 1, i)),
    streaming: at(output, total, total - 1),
    done: at(output, total, total),
    firstContentMs: before.reduce((sum, n) => sum + n.ms, 0),
  };
}
