// Credentials written into a base URL (`user:password@host`, `?key=…`): cut out wherever the URL is shown,
// redacted like the token wherever else they turn up, and warned about (they belong in target.token).
// Text rules rather than the URL parser: an invalid URL is shown in its error message too. Pure.

/** Query (or fragment) parameter names that carry a credential: api_key, access_token, auth, sig, X-Amz-Signature, … */
const SECRET_PARAM = /key|token|auth|secret|passw|pwd|credential|signature|session|(?:^|[-_.])sig(?:$|[-_.])/i;

/** `//userinfo@` after the scheme; else a URL written without `//` (`user:pass@host`, `https:user@host`). */
const USERINFO_AFTER_SLASHES = /\/\/([^/?#\s]*)@/;
const USERINFO_AT_START = /^(\s*(?:https?:)?)([^/?#\s]*)@/i;
const PARAM = /([?&;#])([^=&;#\s]*)=([^&;#\s]*)/g;

function decoded(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function userinfo(url: string): string | null {
  return USERINFO_AFTER_SLASHES.exec(url)?.[1] ?? (url.includes('//') ? undefined : USERINFO_AT_START.exec(url)?.[2]) ?? null;
}

/** The credential-like parameters of a URL, by name, with their (non-empty) values. */
function secretParams(url: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const m of url.matchAll(PARAM)) if (m[3] !== '' && SECRET_PARAM.test(decoded(m[2]!))) out.push({ name: decoded(m[2]!), value: m[3]! });
  return out;
}

/** The URL with its userinfo and the values of credential-like parameters replaced by ***; any text, valid URL or not. */
export function redactUrl(url: string): string {
  const cut = USERINFO_AFTER_SLASHES.test(url)
    ? url.replace(USERINFO_AFTER_SLASHES, '//***@')
    : url.includes('//')
      ? url
      : url.replace(USERINFO_AT_START, '$1***@');
  return cut.replace(PARAM, (m, sep: string, name: string, value: string) => (value !== '' && SECRET_PARAM.test(decoded(name)) ? `${sep}${name}=***` : m));
}

/** The credentials in a URL, raw and decoded, for the redactor: the userinfo whole and in parts, the parameters' values. */
export function urlSecrets(url: string): string[] {
  if (url === 'simulator') return [];
  const out: string[] = [];
  const info = userinfo(url);
  if (info !== null && info !== '') {
    const colon = info.indexOf(':');
    const parts = colon < 0 ? [info] : [info, info.slice(0, colon), info.slice(colon + 1)];
    for (const p of parts) out.push(p, decoded(p));
  }
  for (const { value } of secretParams(url)) out.push(value, decoded(value));
  return [...new Set(out)].filter((s) => s !== '');
}

/** The warning for a base URL that carries a credential, or null. The URL is still used as given. */
export function urlCredentialWarning(url: string): string | null {
  if (url === 'simulator') return null;
  const what: string[] = [];
  if ((userinfo(url) ?? '') !== '') what.push('a user:password part');
  const names = [...new Set(secretParams(url).map((p) => p.name))];
  if (names.length) what.push(`query parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}`);
  if (what.length === 0) return null;
  return (
    `the base URL carries a credential (${what.join(' and ')}): it is redacted from every report and message, ` +
    'but flowbench authenticates with target.token, and sends neither the user:password part nor the query of base_url; ' +
    'put the API key in target.token (e.g. token: ${STACKAI_API_KEY}) and remove it from the URL'
  );
}
