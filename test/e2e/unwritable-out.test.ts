// A report folder flowbench may not write (a root-owned volume mounted into a non-root container, a
// read-only folder) is the user's to fix: exit 2 naming the path and the fix, never "internal error"
// (exit 3) with an EACCES stack. Run as a user who lacks the permission, as the image's `node` (uid 1000) would.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir, type CliResult } from '../helpers/cli.js';

const root = process.getuid?.() === 0;

function runAs(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // As root every mode bit is ignored: run the CLI as uid 1000, the way a pod without fsGroup runs it.
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', HOME: cwd },
      ...(root && { uid: 1000, gid: 1000 }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(process.platform === 'win32')('a report folder that cannot be written', () => {
  it.each([
    ['a new folder inside it', 'volume/demo', 'volume/demo'],
    ['the volume itself', 'volume', 'volume/run-manifest.json'],
  ])(
    '--out naming %s is exit 2 with the path and a fix, not an internal error',
    async (_what, outRel, shown) => {
      const base = tempDir('flowbench-ro-');
      chmodSync(base, 0o755); // the runner must reach the folder; only `volume` below is closed to it
      const volume = join(base, 'volume');
      mkdirSync(volume);
      // Root-owned and 755 is what a fresh volume looks like to uid 1000; for a non-root runner, take away write.
      chmodSync(volume, root ? 0o755 : 0o555);
      const out = join(base, outRel);
      const r = await runAs(['run', join(ROOT, 'suites/demo.yaml'), '--limit', '1', '--threads', '0', '--out', out, '--no-progress'], base);
      chmodSync(volume, 0o755);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: ${shown}: `); // the path, shown from the working folder
      expect(r.stderr).toMatch(/cannot write here: permission denied \(EACCES\)/);
      expect(r.stderr).toContain('fix: write the reports into a folder you can write');
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      if (outRel !== 'volume') expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});
