// The flowbench library: what the CLI uses, for callers who drive runs from code.
export { loadSuite } from './suite/load-suite.js';
export { runSuite, type RunOptions, type RunOutcome } from './runner/run-suite.js';
export { ConfigError } from './suite/config-error.js';
export { renderTable } from './report/table.js';
export { startSimulator, startSimulatorThread, type SimulatorHandle } from './simulator/start.js';
export { StackAIClient } from './stackai/client.js';
export { FrameDecoder } from './stackai/frame-decoder.js';
export type { Report, VariantReport } from './report/report-model.js';
export type { ResultRecord } from './worker/messages.js';
export type { Suite, SuiteOverrides } from './suite/types.js';
export type { ClassifiedError, ErrorKind, InvokeOutcome, InvokeRequest, Mode } from './stackai/types.js';
