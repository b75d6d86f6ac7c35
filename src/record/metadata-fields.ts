// Pulls named values out of free-form run metadata by dotted path (e.g. llm_usage.0.model_id).

/** The value at a dotted path, or undefined when any step is missing (missing is not zero). */
export function valueAtPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const step of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(step)] : (cur as Record<string, unknown>)[step];
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function extractFields(metadata: unknown, fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(fields)) {
    const v = valueAtPath(metadata, path);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
