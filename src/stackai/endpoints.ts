// Builds the paths and query strings of the StackAI endpoints (DESIGN §1), exactly and nothing more.
import type { InvokeRequest } from './types.js';

/** The origin the connection pool talks to and the path prefix every endpoint sits under. */
export interface BaseLocation {
  origin: string;
  /** '' or a prefix like '/proxy/stackai', never with a trailing slash. */
  basePath: string;
}

/** Splits a base URL ("https://api.stack-ai.com" or "http://127.0.0.1:8080/prefix/"). Throws on a malformed URL. */
export function splitBaseUrl(baseUrl: string): BaseLocation {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`base URL must be http(s), got ${url.protocol}`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

const seg = encodeURIComponent;

function withQuery(path: string, params: Array<[string, string]>): string {
  return params.length === 0 ? path : `${path}?${new URLSearchParams(params).toString()}`;
}

/**
 * Path and query of a run / stream / sso-stream call. `version` and `verbose` are sent only when
 * defined; the stream flags (prefix, delta, sse, run_draft) are always sent explicitly so the
 * server's defaults never decide what we measured. The sso endpoint takes the token in the query.
 */
export function invokePath(basePath: string, req: InvokeRequest, token: string): string {
  const flow = `${seg(req.orgId)}/${seg(req.flowId)}`;
  const params: Array<[string, string]> = [];
  if (req.version !== undefined) params.push(['version', String(req.version)]);
  if (req.mode === 'run') {
    if (req.verbose !== undefined) params.push(['verbose', String(req.verbose)]);
    return withQuery(`${basePath}/inference/v0/run/${flow}`, params);
  }
  params.push(['prefix', String(req.stream.prefix)], ['delta', String(req.stream.delta)], ['sse', String(req.stream.sse)]);
  if (req.verbose !== undefined) params.push(['verbose', String(req.verbose)]);
  params.push(['run_draft', String(req.runDraft ?? false)]);
  if (req.mode === 'sso-stream') {
    if (token !== '') params.push(['token', token]);
    return withQuery(`${basePath}/inference/v0/sso/stream/${flow}`, params);
  }
  return withQuery(`${basePath}/inference/v0/stream/${flow}`, params);
}

export function metadataPath(basePath: string, orgId: string, flowId: string, runId: string): string {
  return withQuery(`${basePath}/inference/v0/run/${seg(orgId)}/${seg(flowId)}/metadata`, [['run_id', runId]]);
}

export function feedbackPath(basePath: string, orgId: string, flowId: string): string {
  return `${basePath}/inference/v0/feedback/${seg(orgId)}/${seg(flowId)}`;
}

/** One page of a flow's run history (the analytics API): `query` is sent as given, in order. */
export function analyticsPath(basePath: string, orgId: string, flowId: string, query: Array<[string, string]>): string {
  return withQuery(`${basePath}/analytics/org/${seg(orgId)}/flows/${seg(flowId)}`, query);
}
