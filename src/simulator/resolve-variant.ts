// Which version of a flow a request runs. Apart from flows.ts (which parses the flows file, with yaml and
// csv-parse) so that the simulator's thread, given flows already parsed, loads no parser (start.ts).
import type { FlowDef, ResolvedVariant } from './flows.js';

/**
 * The version a request runs: the draft when asked, else `version` (-1 or absent = latest
 * published). null when the flow has no such version.
 */
export function resolveVariant(flow: FlowDef, version: number | null, runDraft: boolean): ResolvedVariant | null {
  if (runDraft) return { version: flow.published, draft: true, model: flow.draft };
  const n = version === null || version === -1 ? flow.published : version;
  const model = flow.versions.get(n);
  return model ? { version: n, draft: false, model } : null;
}
