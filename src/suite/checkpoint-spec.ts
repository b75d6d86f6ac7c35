// report.checkpoint (and --checkpoint): how often a run rewrites report.json and summary.md while it
// goes on. A duration; 0 or "off" turns checkpoints off. Pure: the suite loader and the flag both use it.
import { DURATION_FORMS, parseDuration } from '../text/duration.js';

/** The default: once a minute. */
export const DEFAULT_CHECKPOINT = '60s';

/** What a checkpoint value may be, for messages. */
export const CHECKPOINT_FORMS = `${DURATION_FORMS}; 0 or off for none`;

/** Milliseconds between checkpoints, null for none, or undefined when `value` is not a checkpoint setting. */
export function checkpointMs(value: unknown): number | null | undefined {
  if (value === 'off' || value === false) return null;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const ms = parseDuration(value);
  if (ms === null) return undefined;
  return ms === 0 ? null : ms;
}
