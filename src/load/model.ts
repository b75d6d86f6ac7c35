// The names of the built-in load models, as report.json's `load.model` gives them (an output contract).
// Each is a module in ./models/, listed by ./registry.ts.
export type LoadModel = 'closed-loop' | 'open-loop' | 'ramping-rate' | 'ramping-concurrency' | 'sweep' | 'replay';
