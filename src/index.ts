// The flowbench library: what the CLI uses, for callers who drive runs from code. docs/usage.md "Library API" shows how.
export { loadSuite, type LoadSuiteOptions } from './suite/load-suite.js';
export { runSuite, streamRun, type RunEvent, type RunStream, type RunSuiteOptions, type StreamRunOptions } from './api/run.js';
export type { RunOptions, RunOutcome } from './runner/run-suite.js';
export { ConfigError, ConfigErrors } from './errors/config-error.js';
export { compareReports, type CompareReportsOptions, type CompareReportsResult } from './compare/compare-runs.js';
export { regradeRun, type RegradeOptions, type RegradeOutcome } from './runner/regrade.js';
export type { Comparison } from './compare/types.js';
export { suiteJsonSchema } from './schema/json-schema.js';
export { renderTable } from './report/table.js';
export { startSimulator, startSimulatorThread, type SimulatorHandle } from './simulator/start.js';
export { StackAIClient } from './stackai/client.js';
export { FrameDecoder } from './stackai/frame-decoder.js';
export type { Report, VariantReport } from './report/report-model.js';
export type { ResultRecord, AttemptTiming } from './record/result-record.js';
export type { Suite, SuiteOverrides } from './suite/types.js';
export type { ClassifiedError, ErrorKind, InvokeOutcome, InvokeRequest, Mode } from './stackai/types.js';
