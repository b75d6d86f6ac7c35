// The container image, by inspection (no Docker engine here or on CI), and flowbench run the way the image
// and the pods run it: as uid 1000 from a root-owned /app whose reports/ points at /reports, and on a
// read-only root file system with only /tmp and the report folder writable (readOnlyRootFilesystem).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from '../helpers/cli.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1)!;
const root = process.getuid?.() === 0;
// A container without CAP_SYS_ADMIN cannot make a mount namespace: that test is then skipped.
const canRemount = root && spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt']).status === 0;

describe('Dockerfile', () => {
  it('builds on a Node LTS line with the same commands as CI', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/npm ci/);
    for (const s of stages) {
      const major = Number(s.match(/^node:(\d+)-bookworm-slim/)?.[1]);
      expect(major % 2, 'even Node majors are the LTS lines').toBe(0);
      expect(major).toBeGreaterThanOrEqual(24);
    }
    expect(stages[0]).toMatch(/RUN npm ci /);
    expect(stages[0]).toMatch(/RUN npm run build/);
    expect(stages[0]).toMatch(/^COPY schema \.\/schema$/m); // every schema file, not only the one the build writes
    expect(readFileSync(join(ROOT, 'docs/container.md'), 'utf8')).toContain(`Node ${Number(stages[0]!.match(/^node:(\d+)/)![1])}`);
  });

  it('the runtime image holds what flowbench reads at run time, and runs as node', () => {
    // init-command.ts points a starter suite at schema/suite.schema.json; the help names README.md and docs/.
    for (const dir of ['dist', 'schema', 'suites', 'datasets']) expect(runtime).toMatch(new RegExp(`^COPY --from=build /app/${dir} \\./${dir}$`, 'm'));
    expect(runtime).toMatch(/^COPY docs \.\/docs$/m);
    expect(runtime).toMatch(/^COPY README\.md LICENSE \.\/$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^USER (root|0)\b/m);
    expect(runtime).toContain('chown node:node /reports');
    expect(runtime).toContain('ln -s /reports /app/reports');
  });

  it('.dockerignore keeps local builds, installs, run output and history out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['node_modules', 'dist', 'reports', 'test-artifacts', '.git', '.env']) expect(ignored).toContain(p);
    // What the Dockerfile copies from the context must not be ignored.
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of m[1]!.split(' ')) expect(ignored, `${src} is copied but ignored`).not.toContain(src);
    }
  });

  it('docs/container.md gives the docker run line that writes to the mounted folder', () => {
    const docs = readFileSync(join(ROOT, 'docs/container.md'), 'utf8');
    expect(docs).toMatch(
      /docker run --rm --user "\$\(id -u\):\$\(id -g\)" -v "\$PWD\/reports:\/reports" \S+ flowbench run suites\/demo\.yaml --out \/reports\/demo/,
    );
  });
});

describe.skipIf(!root)('flowbench as the image runs it', () => {
  it('uid 1000 in a root-owned /app: the default report folder lands in /reports through the link', () => {
    const base = tempDir('flowbench-image-');
    chmodSync(base, 0o755);
    const app = join(base, 'app');
    for (const d of ['dist', 'schema', 'suites', 'datasets', 'package.json']) cpSync(join(ROOT, d), join(app, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    const reports = join(base, 'reports');
    mkdirSync(reports);
    chownSync(reports, 1000, 1000);
    symlinkSync(reports, join(app, 'reports'));
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'run', 'suites/demo.yaml', '--limit', '2', '--threads', '0', '--no-progress'], {
      cwd: app,
      uid: 1000,
      gid: 1000,
      env: { ...process.env, CI: 'true', HOME: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect([0, 1], r.stderr).toContain(r.status); // the demo's verdict, not a failure to write
    const [run] = readdirSync(reports);
    expect(run).toMatch(/^demo-\d{8}-\d{6}$/);
    expect(readdirSync(join(reports, run!))).toEqual(expect.arrayContaining(['report.json', 'results.jsonl', 'report.html']));
  }, 60_000);

  // Opt-in (FLOWBENCH_TEST_MOUNTS=1): on CI the mount namespace probe passes but the remount then fails.
  it.skipIf(!canRemount || process.env.FLOWBENCH_TEST_MOUNTS !== '1')(
    'on a read-only root file system, with /tmp and the report folder the only writable places',
    () => {
      // A private mount namespace: the read-only remount is seen by this one command only.
      const inside = [
        'set -e',
        'mount -o remount,bind,ro /',
        'mount -t tmpfs -o mode=1777 tmpfs /tmp',
        'mkdir /tmp/out',
        'chown 1000:1000 /tmp/out',
        '! touch /read-only-probe 2>/dev/null',
        `cd ${ROOT}`,
        `set +e; setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=/nonexistent "${process.execPath}" "${CLI}" run suites/demo.yaml --limit 2 --threads 1 --out /tmp/out/demo --no-progress >/dev/null; echo "exit $?"`,
        'ls /tmp/out/demo',
      ].join('\n');
      const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', inside], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^exit [01]$/m);
      expect(r.stdout).toContain('report.json');
      expect(r.stdout).toContain('results.jsonl');
    },
    60_000,
  );
});
