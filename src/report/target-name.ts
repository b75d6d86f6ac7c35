// How a run's target is named wherever a person reads it: never the token, nor credentials or a query in a URL.

/** The target as a person should read it: the embedded simulator, or the URL without credentials or query. */
export function targetName(baseUrl: string): string {
  if (baseUrl === 'simulator') return 'the embedded simulator (no network)';
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(an invalid base URL)';
  }
}
