// The suite's report.dir template: its {{name}} and {{timestamp}} each made one path segment, kept inside the
// working folder or the suite's folder unless the template is an absolute path — a suite from elsewhere must
// not write wherever it likes. Pure: checked when the suite loads, applied by runner/report-folder.ts.
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Longest segment kept: file systems refuse names over 255 bytes, and the template adds to it. */
const MAX_SEGMENT_CHARS = 100;

/**
 * A template value as one path segment that reads like the value: separators, control characters and the
 * characters Windows refuses become "_", and leading dots too ("..", "." and hidden names).
 */
export function pathSegment(value: string): string {
  const s = value
    .replace(/[/\\<>:"|?*\u0000-\u001f\u007f]/g, '_')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .slice(0, MAX_SEGMENT_CHARS);
  return s === '' ? '_' : s;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The template with its values in place, not yet resolved. */
export function expandReportDir(template: string, name: string, started: Date): string {
  return template.replace(/\{\{\s*name\s*\}\}/g, pathSegment(name)).replace(/\{\{\s*timestamp\s*\}\}/g, stamp(started));
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** Why the expanded template may not be used (it leads out of both folders), or null. */
export function reportDirProblem(template: string, name: string, suiteDir: string, cwd = process.cwd()): string | null {
  if (isAbsolute(template)) return null; // written out in full: the user means that place
  const dir = resolve(cwd, expandReportDir(template, name, new Date(0)));
  if (inside(cwd, dir) || inside(suiteDir, dir)) return null;
  return `report.dir ${JSON.stringify(template)} leads out of the working folder and the suite's folder (to ${dir})`;
}

/** The fix for a refused report.dir. */
export const REPORT_DIR_FIX = "keep report.dir inside the working folder or the suite's folder, or write it as an absolute path (or pass --out DIR)";
