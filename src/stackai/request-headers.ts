// The headers of every call and the secrets its messages must not show: flowbench's own (user agent,
// content type, the token's Authorization), the suite's fixed extras, and one row's rendered extras.
import { badHeader, headerSecrets } from './header-values.js';
import type { InvokeRequest, RowHeaders } from './types.js';
import { userAgent } from './user-agent.js';

/** One call's headers, the secrets its messages must not show, and why it cannot be sent (null: it can). */
export interface CallHeaders {
  headers: Record<string, string>;
  secrets: readonly string[];
  refused: string | null;
}

export class RequestHeaders {
  /** The token, the fixed extras that look secret and the base URL's credentials: redacted from every message of this client. */
  readonly secrets: readonly string[];
  /** An invoke's headers by mode and framing, built once: undici only reads them. */
  private readonly invokeHeaders = new Map<string, Record<string, string>>();

  constructor(
    private readonly token: string,
    private readonly extra: Record<string, string>,
    urlSecrets: readonly string[] = [],
  ) {
    this.secrets = [token, ...headerSecrets(extra), ...urlSecrets];
  }

  /** The secrets a row's headers add to the client's own (its secret-looking values, the dataset values in them). */
  rowSecrets(row: RowHeaders): readonly string[] {
    return [...(row.headers === undefined ? [] : headerSecrets(row.headers)), ...(row.secrets ?? [])];
  }

  /** A flow call's headers: the cached set, plus the row's when it has any. */
  invoke(req: InvokeRequest): CallHeaders {
    const key = `${req.mode}:${req.mode !== 'run' && req.stream.sse}`;
    let headers = this.invokeHeaders.get(key);
    if (headers === undefined) {
      headers = {
        'user-agent': userAgent(),
        ...this.extra,
        'content-type': 'application/json',
        accept: req.mode === 'run' ? 'application/json' : req.stream.sse ? 'text/event-stream' : 'application/x-ndjson, application/json',
      };
      // The sso endpoint authenticates with the token in the query, not the header.
      if (req.mode !== 'sso-stream' && this.token !== '') headers.authorization = `Bearer ${this.token}`;
      this.invokeHeaders.set(key, headers);
    }
    return this.withRow(headers, req);
  }

  /** A small JSON call's headers (metadata, feedback). */
  json(hasBody: boolean, row: RowHeaders | undefined): CallHeaders {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent(), ...this.extra };
    if (hasBody) headers['content-type'] = 'application/json';
    if (this.token !== '') headers.authorization = `Bearer ${this.token}`;
    return this.withRow(headers, row);
  }

  /**
   * Adds a row's rendered headers. They are checked here rather than left to undici, which throws a bare
   * "invalid x header" that would read as a dropped connection; fixed values were checked at load time.
   */
  private withRow(base: Record<string, string>, row: RowHeaders | undefined): CallHeaders {
    if (row?.headers === undefined)
      return { headers: base, secrets: row?.secrets === undefined ? this.secrets : [...this.secrets, ...row.secrets], refused: null };
    const secrets = [...this.secrets, ...headerSecrets(row.headers), ...(row.secrets ?? [])];
    const bad = badHeader(row.headers);
    const refused = bad === null ? null : `${bad}: not sent (a header value is one line of Latin-1 text)`;
    // flowbench's own headers win: the loader refuses their names, but a row must never replace them.
    return { headers: { ...row.headers, ...base }, secrets, refused };
  }
}
