// Test files share a process (vitest.config.ts: isolate: false), so a file that changes flowbench's or
// StackAI's environment variables and leaves them changed would change how the next file's runs behave.
// Loaded as a setup file: each test file must leave them as it found them, or it fails, naming them.
import { afterAll } from 'vitest';

const WATCHED = /^(FLOWBENCH_|STACKAI_)/;
const OWN = new Set(['FLOWBENCH_CACHE_DIR', 'FLOWBENCH_TEST_NO_WARMUP']); // set for each file by judge-cache-env.ts, cold-by-default.ts
const watched = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => WATCHED.test(k) && !OWN.has(k)));
const before = watched();

afterAll(() => {
  const after = watched();
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
  if (changed.length > 0) throw new Error(`this test file left process.env changed: ${changed.join(', ')} (put them back in an afterAll)`);
});
