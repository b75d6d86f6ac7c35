// Maps grader type -> family, handles `not-` inversion once, and combines a row's grades
// (weights; every grader must pass, or with pass_score: the weighted score >= pass_score and every `required` one passes).
import { containsAll, containsAny } from './keyword-graders.js';
import { isJson, jsonPath, jsonSchema } from './json-graders.js';
import { judge } from './judge-grader.js';
import { length } from './length-grader.js';
import { number } from './number-grader.js';
import { regex } from './regex-grader.js';
import { script } from './script-grader.js';
import { similarity } from './similarity-grader.js';
import { contains, equals, icontains, startsWith } from './text-graders.js';
import { checkTimeout, graderLimits } from './time-limit.js';
import { latency, ttft } from './timing-graders.js';
import type { CheckEnv, Grade, GradeContext, GradeOutcome, GraderFamily, JudgeCaller, PreparedGrader, SpecProblem, Watched } from './types.js';
import { closestKey } from '../text/closest-key.js';
import type { GraderSpec } from './grader-spec.js';

const FAMILIES: Record<string, GraderFamily> = {
  equals,
  contains,
  icontains,
  'contains-any': containsAny,
  'contains-all': containsAll,
  'starts-with': startsWith,
  regex,
  'is-json': isJson,
  'json-schema': jsonSchema,
  'json-path': jsonPath,
  number,
  similarity,
  length,
  ttft,
  latency,
  script,
  judge,
};

/** Keys every grader takes besides its own. */
export const COMMON_KEYS: readonly string[] = ['type', 'weight', 'required', 'name', 'timeout', 'scope'];

export const GRADER_TYPES: readonly string[] = Object.keys(FAMILIES);

/** Each base type's own keys and required keys (the JSON Schema and the suite reference are generated from these). */
export const GRADER_KEYS: Readonly<Record<string, { keys: readonly string[]; required: readonly string[] }>> = Object.fromEntries(
  Object.entries(FAMILIES).map(([type, f]) => [type, { keys: f.keys, required: f.required }]),
);

function resolve(type: string): { family: GraderFamily | undefined; negate: boolean; base: string } {
  const negate = type.startsWith('not-');
  const base = negate ? type.slice(4) : type;
  // Own keys only: `type: constructor` must be an unknown type, not Object's constructor.
  return { family: Object.hasOwn(FAMILIES, base) ? FAMILIES[base] : undefined, negate, base };
}

/** Load-time check of one grader spec (file paths relative to env.dir); null when it is fine. */
export function checkGraderSpec(spec: GraderSpec, env: CheckEnv = { dir: process.cwd() }): SpecProblem {
  const { family } = resolve(spec.type);
  if (!family) {
    const near = closestKey(spec.type.replace(/^not-/, ''), GRADER_TYPES);
    const guess = near === null ? '' : `did you mean ${spec.type.startsWith('not-') ? 'not-' : ''}${near}? `;
    return { key: 'type', message: `unknown grader type "${spec.type}"`, hint: `${guess}use one of: ${GRADER_TYPES.join(', ')} (prefix not- to invert)` };
  }
  for (const key of Object.keys(spec)) {
    if (!COMMON_KEYS.includes(key) && !family.keys.includes(key)) {
      const known = [...family.keys, ...COMMON_KEYS.slice(1)];
      const near = closestKey(key, known);
      return {
        key,
        message: `unknown key "${key}" for grader ${spec.type}`,
        hint: `${near === null ? '' : `did you mean ${near}? `}keys for ${spec.type}: ${known.join(', ')}`,
      };
    }
  }
  for (const key of family.required) {
    if (spec[key] === undefined) return { message: `grader ${spec.type} needs \`${key}\``, hint: `add ${key}: ...` };
  }
  if (spec.weight !== undefined && (typeof spec.weight !== 'number' || !(spec.weight >= 0))) {
    return { key: 'weight', message: '`weight` must be a number >= 0' };
  }
  if (spec.required !== undefined && typeof spec.required !== 'boolean') return { key: 'required', message: '`required` must be true or false' };
  if (spec.name !== undefined && (typeof spec.name !== 'string' || spec.name.trim() === ''))
    return { key: 'name', message: '`name` must be a non-empty string' };
  if (spec.scope !== undefined && spec.scope !== 'turn' && spec.scope !== 'conversation')
    return { key: 'scope', message: '`scope` must be turn or conversation', hint: 'scope: conversation grades a whole conversation once, on its last turn' };
  return checkTimeout(spec) ?? family.check(spec, env);
}

export interface RowGrade {
  grades: Grade[];
  /** null when the suite has no graders. */
  pass: boolean | null;
  score: number | null;
}

/** How a grading thread watches and steers one row's graders (see src/grading/). */
export interface GradeHooks {
  /** Called just before grader `index` runs a synchronous part of its call (the first, or one it marks), and with -1 once it has returned. */
  calling?: (index: number) => void;
  /** Called once grader `index`'s call has settled (returned, thrown, or timed out while waiting). */
  settled?: (index: number) => void;
  /** Outcomes decided elsewhere (a grader that hung or killed its thread before): used instead of running it. */
  forced?: ReadonlyMap<number, GradeOutcome> | undefined;
  /** Run the graders one after another (so that one that holds the thread after an await is alone in flight, and named). */
  oneAtATime?: boolean;
}

export interface RowGrader {
  grade(ctx: GradeContext, hooks?: GradeHooks): Promise<RowGrade>;
  /** Resolves once every grader that loads code (script modules) has loaded it; rejects with the first failure. */
  ready(): Promise<void>;
  /** Per grader, in suite order: its name, type and per-call time limit (ms). */
  readonly info: readonly GraderInfo[];
}

export interface GraderOptions extends CheckEnv {
  /** Makes judge calls; null where there is no client (judge graders then report grader errors). */
  judge?: JudgeCaller | null;
  /** With it, a row passes on its weighted score (and its required graders) instead of needing every grader. */
  passScore?: number | null;
}

export interface GraderInfo {
  name: string;
  type: string;
  /** The per-call limit the grading pool holds the grader's synchronous work to (src/grade/time-limit.ts). */
  timeoutMs: number;
  /** The limit of its whole call, waits included, or null when it has none of its own. */
  waitMs: number | null;
}

const infoOf = (spec: GraderSpec): GraderInfo => {
  const { ms, wait } = graderLimits(spec);
  return { name: typeof spec.name === 'string' ? spec.name : spec.type, type: spec.type, timeoutMs: ms, waitMs: wait };
};

/** Per grader, without loading anything: its display name, type and per-call limits (ms). */
export function prepareGraderInfo(specs: GraderSpec[]): GraderInfo[] {
  return specs.map(infoOf);
}

/** Prepares every grader of a suite once; grade() is then called per result. Graders of a row run concurrently. */
export function prepareGraders(specs: GraderSpec[], opts: GraderOptions = { dir: process.cwd() }): RowGrader {
  const env = { dir: opts.dir, judge: opts.judge ?? null };
  const passScore = opts.passScore ?? null;
  const prepared = specs.map((spec) => {
    const { family, negate } = resolve(spec.type);
    if (!family) throw new Error(`unknown grader type ${spec.type}`); // the loader has refused it already
    const run: PreparedGrader = family.prepare(spec, env);
    const weight = typeof spec.weight === 'number' ? spec.weight : 1;
    // Without pass_score every grader is required; with it, only those marked so.
    const required = passScore === null ? true : spec.required === true;
    const wholeConversation = spec.scope === 'conversation';
    return { name: typeof spec.name === 'string' ? spec.name : spec.type, run, negate, weight, required, info: infoOf(spec), wholeConversation };
  });
  return {
    info: prepared.map((p) => p.info),
    async ready() {
      await Promise.all(prepared.map((p) => p.run.ready));
    },
    async grade(ctx, hooks = {}) {
      if (prepared.length === 0) return { grades: [], pass: null, score: null };
      const gradeOne = async ({ name, run, negate, info }: (typeof prepared)[number], index: number): Promise<Grade> => {
        const forced = hooks.forced?.get(index);
        if (forced !== undefined) return { grader: name, ...forced };
        // The grading pool sees a synchronous part that overruns (it cannot return to say so) and stops it.
        const watched: Watched = (f) => {
          hooks.calling?.(index);
          try {
            return f();
          } finally {
            hooks.calling?.(-1);
          }
        };
        let g: GradeOutcome;
        try {
          const pending = watched(() => run(ctx, watched));
          // A synchronous answer settles the call at once (the finally below runs before any other code).
          g = !(pending instanceof Promise) ? pending : info.waitMs === null ? await pending : await withinLimit(pending, info.waitMs);
        } catch (err) {
          return { grader: name, pass: false, score: 0, reason: `grader error: ${(err as Error)?.message ?? String(err)}`, error: true };
        } finally {
          hooks.settled?.(index);
        }
        if (negate && !g.error) g = { ...g, pass: !g.pass, score: 1 - g.score, reason: `not: ${g.reason}` };
        return { grader: name, ...g };
      };
      // A conversation-scoped grader grades the last turn of a conversation (with its {{transcript}}) only.
      const applies = (p: (typeof prepared)[number]) => !p.wholeConversation || ctx.conversationEnd === true;
      if (!prepared.some(applies)) return { grades: [], pass: null, score: null }; // an earlier turn, with only conversation graders
      const grades: Grade[] = [];
      const used: typeof prepared = [];
      for (const [i, p] of prepared.entries()) {
        if (!applies(p)) continue;
        used.push(p);
        if (hooks.oneAtATime) grades.push(await gradeOne(p, i));
      }
      if (!hooks.oneAtATime) grades.push(...(await Promise.all(prepared.map((p, i) => (applies(p) ? gradeOne(p, i) : null)).filter((g) => g !== null))));
      return combine(grades, used, passScore);
    },
  };
}

/** An asynchronous call raced against its limit: late, it is a grader error (its work is left to end unawaited). */
function withinLimit(p: Promise<GradeOutcome>, ms: number): Promise<GradeOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<GradeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ pass: false, score: 0, reason: `timed out after ${ms} ms`, error: true }), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The row's verdict from its grades. A grader error never passes. */
export function combine(grades: Grade[], meta: { weight: number; required: boolean }[], passScore: number | null): RowGrade {
  let total = 0;
  let weighted = 0;
  meta.forEach((m, i) => {
    total += m.weight;
    weighted += m.weight * grades[i]!.score;
  });
  const score = total > 0 ? weighted / total : grades.every((g) => g.pass) ? 1 : 0;
  const requiredPass = grades.every((g, i) => !meta[i]!.required || g.pass);
  const noErrors = grades.every((g) => !g.error);
  const pass = passScore === null ? requiredPass && noErrors : requiredPass && noErrors && score >= passScore;
  return { grades, pass, score };
}
