// The one rule for per-variant file names (.hlog, hgrm/*.hgrm): each variant name becomes one safe path
// segment, and names that sanitise alike ("a b", "a_b") get distinct stems, deterministically.

/** A variant name as one path segment: anything but letters, digits, dot, dash and underscore becomes "_"; no leading dot. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return s || '_';
}

/**
 * File-name stems for the run's variants, index by index. A name that is already safe keeps itself (its
 * files do not move when another variant sanitises onto it); the others take their sanitised name, with
 * "-2", "-3", … appended in variant order when it is taken.
 */
export function variantFileStems(names: readonly string[]): string[] {
  const used = new Set<string>();
  const stems: (string | undefined)[] = names.map((n) => {
    if (safeFileName(n) !== n || used.has(n)) return undefined;
    used.add(n);
    return n;
  });
  return names.map((n, i) => {
    const kept = stems[i];
    if (kept !== undefined) return kept;
    const base = safeFileName(n);
    let stem = base;
    for (let k = 2; used.has(stem); k++) stem = `${base}-${k}`;
    used.add(stem);
    return stem;
  });
}
