// The trace file's contract (docs/trace-pull.md, shared with load.replay) as a checker: every line a JSON
// object with a timestamp (ISO 8601 text, or epoch s / ms) and an object of inputs, the optional fields of
// their types, lines in time order. Returns what is wrong, [] for a valid trace.
const OPTIONAL_STRINGS = ['user_id', 'conversation_id', 'run_id', 'expected', 'state'];
const OPTIONAL_NUMBERS = ['latency_s', 'total_tokens'];

export function traceProblems(text: string): string[] {
  const problems: string[] = [];
  if (text !== '' && !text.endsWith('\n')) problems.push('the last line has no newline');
  let last = -Infinity;
  text
    .split('\n')
    .filter((l) => l !== '')
    .forEach((raw, i) => {
      const at = `line ${i + 1}`;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        problems.push(`${at}: not JSON`);
        return;
      }
      if (line === null || typeof line !== 'object' || Array.isArray(line)) return void problems.push(`${at}: not an object`);
      const ts = line.timestamp;
      const ms = typeof ts === 'number' ? (ts > 1e11 ? ts : ts * 1000) : typeof ts === 'string' && /^\d{4}-\d\d-\d\dT/.test(ts) ? Date.parse(ts) : Number.NaN;
      if (Number.isNaN(ms)) problems.push(`${at}: timestamp ${JSON.stringify(ts)} is not ISO 8601 or epoch`);
      else if (ms < last) problems.push(`${at}: out of time order`);
      else last = ms;
      const inputs = line.inputs;
      if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs) || Object.keys(inputs).length === 0)
        problems.push(`${at}: inputs is not a non-empty object`);
      for (const k of OPTIONAL_STRINGS) if (k in line && typeof line[k] !== 'string') problems.push(`${at}: ${k} is not a string`);
      for (const k of OPTIONAL_NUMBERS) if (k in line && typeof line[k] !== 'number') problems.push(`${at}: ${k} is not a number`);
    });
  return problems;
}
