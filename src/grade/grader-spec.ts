// A grader as the suite gives it, before the registry checks it (the loader: suite/; the graders: this folder).

/** A grader as written in the suite; the grade/ registry validates type-specific keys. */
export interface GraderSpec {
  type: string;
  [key: string]: unknown;
}
