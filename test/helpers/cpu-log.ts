// With FLOWBENCH_TEST_CPU_LOG=FILE, each test file appends a line to FILE: CPU seconds of its vitest
// process (with the threads of its in-process runs), CPU seconds of the processes it spawned and waited
// for (CLI runs, Chromium, npm), wall seconds, and its path. The suite is CPU-bound on 2 cores, so this
// is where its time goes (docs/development.md). Linux only (/proc); off by default.
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';

const LOG = process.env.FLOWBENCH_TEST_CPU_LOG;

/** utime + stime of this process and of its waited-for children, in clock ticks (100 a second). */
function ticks(): { self: number; kids: number } {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return { self: Number(f[11]) + Number(f[12]), kids: Number(f[13]) + Number(f[14]) };
}

if (LOG !== undefined && LOG !== '') {
  let start = { self: 0, kids: 0 };
  let startedMs = 0;
  let file = '';
  // biome-ignore lint/correctness/noEmptyPattern: vitest hands the file's suite to a hook whose first argument is destructured
  beforeAll(({}, suite) => {
    start = ticks();
    startedMs = Date.now();
    file = (suite as { file?: { filepath?: string } }).file?.filepath ?? '?';
  });
  afterAll(() => {
    const end = ticks();
    const s = (n: number) => (n / 100).toFixed(2);
    appendFileSync(
      LOG,
      `${s(end.self - start.self)} ${s(end.kids - start.kids)} ${((Date.now() - startedMs) / 1000).toFixed(1)} ${file.replace(/.*\/test\//, 'test/')}\n`,
    );
  });
}
