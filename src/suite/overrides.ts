// Applies command-line flags (--base-url, --concurrency, …) over a normalised suite, checking each flag's value.
import { closestKey } from '../text/closest-key.js';
import { ConfigError } from '../errors/config-error.js';
import { DURATION_FORMS, parseDuration } from '../text/duration.js';
import { OPEN_LOOP_DEFAULT_CAP } from '../load/models/open-loop.js';
import { modelOf, sharedSettings } from '../load/registry.js';
import { MODES } from './suite-schema.js';
import { CHECKPOINT_FORMS, checkpointMs } from './checkpoint-spec.js';
import type { Suite, SuiteOverrides } from './types.js';

const flagError = (flag: string, expected: string, got: unknown, example: string): ConfigError =>
  new ConfigError(`${flag} must be ${expected}, got ${JSON.stringify(got)}`, {}, `pass e.g. ${flag} ${example}, or leave it out to use the suite's value`);

/** A new Suite with the overrides applied; `suite` is not changed. */
export function applyOverrides(suite: Suite, o: SuiteOverrides): Suite {
  const s: Suite = structuredClone(suite);
  if (o.baseUrl !== undefined) s.target.baseUrl = o.baseUrl.replace(/\/+$/, '');
  if (o.concurrency !== undefined) {
    if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw flagError('--concurrency', 'an integer >= 1', o.concurrency, '8');
    // A constant concurrency from the command line replaces concurrency ramps.
    if (s.load.kind === 'ramping-concurrency') s.load = { ...sharedSettings(s.load), kind: 'closed-loop' };
    s.load.concurrency = o.concurrency;
  }
  if (o.rate !== undefined) {
    if (!Number.isFinite(o.rate) || o.rate <= 0) throw flagError('--rate', 'a number > 0 (requests per second)', o.rate, '5');
    // --rate makes any suite an open loop at that rate: the model's own settings (stages, sweep) go.
    const wasOpen = modelOf(s.load).openLoop;
    s.load = { ...sharedSettings(s.load), kind: 'open-loop', rate: o.rate };
    // A closed-loop suite's concurrency meant "in flight", not a cap: use the open-loop default cap.
    if (!wasOpen && o.concurrency === undefined) s.load.concurrency = OPEN_LOOP_DEFAULT_CAP;
  }
  if (o.arrival !== undefined) {
    if (o.arrival !== 'constant' && o.arrival !== 'poisson') throw flagError('--arrival', 'constant or poisson', o.arrival, 'poisson');
    s.load.arrival = o.arrival;
  }
  if (o.requests !== undefined) {
    if (!Number.isInteger(o.requests) || o.requests < 1) throw flagError('--requests', 'an integer >= 1', o.requests, '500');
    s.load.requests = o.requests;
    if (o.duration === undefined) s.load.iterations = null;
  }
  if (o.duration !== undefined) {
    const ms = parseDuration(o.duration);
    if (ms === null || ms <= 0) throw flagError('--duration', DURATION_FORMS, o.duration, '60s');
    s.load.durationMs = ms;
    // --duration means "run this long": rows are cycled until the time is up.
    s.load.iterations = null;
  }
  if (o.limit !== undefined) {
    if (!Number.isInteger(o.limit) || o.limit < 1) throw flagError('--limit', 'an integer >= 1', o.limit, '50');
    s.dataset.limit = o.limit;
  }
  if (o.repeat !== undefined) {
    if (!Number.isInteger(o.repeat) || o.repeat < 1) throw flagError('--repeat', 'an integer >= 1', o.repeat, '3');
    s.repeat = o.repeat;
  }
  if (o.out !== undefined) s.report.dir = o.out;
  if (o.mode !== undefined) {
    if (!(MODES as readonly string[]).includes(o.mode)) throw flagError('--mode', `one of ${MODES.join(' | ')}`, o.mode, 'stream');
    s.mode = o.mode;
  }
  if (o.maxRuns !== undefined) {
    if (!Number.isInteger(o.maxRuns) || o.maxRuns < 1) throw flagError('--max-runs', 'an integer >= 1', o.maxRuns, '500');
    s.budget = { maxCostUsd: s.budget?.maxCostUsd ?? null, maxRuns: o.maxRuns };
  }
  if (o.metricsPort !== undefined) {
    if (!Number.isInteger(o.metricsPort) || o.metricsPort < 0 || o.metricsPort > 65535)
      throw flagError('--metrics-port', 'an integer from 0 to 65535 (0: any free port)', o.metricsPort, '9464');
    s.metrics = { port: o.metricsPort, push: s.metrics?.push ?? null, lingerMs: s.metrics?.lingerMs ?? 0 };
  }
  if (o.checkpoint !== undefined) {
    const every = checkpointMs(o.checkpoint);
    if (every === undefined) throw flagError('--checkpoint', CHECKPOINT_FORMS, o.checkpoint, '30s');
    s.report.checkpointMs = every;
  }
  if (o.variants !== undefined && o.variants.length > 0) s.variants = pickVariants(s, o.variants);
  return s;
}

function pickVariants(s: Suite, names: string[]): Suite['variants'] {
  const exist = s.variants.map((v) => v.name);
  for (const name of names) {
    if (!exist.includes(name)) {
      const near = closestKey(name, exist);
      throw new ConfigError(
        `--variant ${name}: the suite has no variant of that name`,
        { file: s.file },
        `${near === null ? '' : `did you mean ${near}? `}use one of: ${exist.join(', ')}`,
      );
    }
  }
  // Suite order is kept: it is the order reports list variants in.
  const picked = s.variants.filter((v) => names.includes(v.name));
  const baseline = s.compare?.baseline;
  if (baseline && !names.includes(baseline)) {
    throw new ConfigError(
      `--variant leaves out compare.baseline '${baseline}', so the comparison gates could not run`,
      { file: s.file },
      `add --variant ${baseline}`,
    );
  }
  return picked;
}
