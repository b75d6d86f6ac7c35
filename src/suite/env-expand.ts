// Expands ${VAR} and ${VAR:-default} in suite strings from an environment; $${ is a literal "${".

export type ExpandResult = { ok: true; value: string; expanded: boolean } | { ok: false; variable: string };

// $${...} (escape) | ${NAME} | ${NAME:-default}; a "${" that matches neither is left as written.
const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands every reference in `text`. `${VAR:-default}` uses the default when VAR is unset or empty,
 * as a shell does; `${VAR}` with VAR unset is an error (the caller turns it into a ConfigError).
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): ExpandResult {
  if (!text.includes('${')) return { ok: true, value: text, expanded: false };
  let missing: string | null = null;
  let expanded = false;
  const value = text.replace(PATTERN, (whole: string, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    expanded = true;
    const name_ = name as string;
    const set = env[name_];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set === undefined) {
      missing ??= name_;
      return '';
    }
    return set;
  });
  if (missing !== null) return { ok: false, variable: missing };
  return { ok: true, value, expanded };
}
