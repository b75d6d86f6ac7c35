// Warns before a token would cross the network in clear text: plain http:// to a host that is not this machine.
import { isIP } from 'node:net';

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** The warning for sending `token` to `baseUrl`, or null when it is safe enough (https, loopback, no token). */
export function plainHttpTokenWarning(baseUrl: string, token: string): string | null {
  if (token === '' || baseUrl === 'simulator') return null;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return null; // the suite checks report a malformed URL themselves
  }
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return null;
  return `the API token is sent over plain http:// to ${url.hostname}, where anyone on the network path can read it; use https://`;
}
