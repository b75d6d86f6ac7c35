// target.headers whose values are templates ({{column}}, {{row}}): compiled once, rendered in the request
// thread for each request, for its flow call (every attempt) and that run's metadata fetch. Fixed values go
// to the client once, and they are all the judge and feedback clients get: those calls belong to no one
// row's call of the flow under test (a judge is another flow), so a row's header has no place there.
import { compileTemplate, stringify, type TemplateContext } from '../dataset/template.js';
import { looksSecret } from '../stackai/header-values.js';
import type { RowHeaders } from '../stackai/types.js';

/** A dataset value shorter than this is no secret on its own, and redacting it would mangle the message. */
const MIN_PART_CHARS = 4;

const isTemplate = (value: string): boolean => compileTemplate(value).names.length > 0;

/** The headers whose values name no placeholder: the same on every call. */
export function fixedHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([, v]) => !isTemplate(v)));
}

/** Renders the templated headers for one row; null when the suite has none (the common case costs nothing). */
export function compileRowHeaders(headers: Record<string, string> | undefined): ((ctx: TemplateContext) => RowHeaders) | null {
  const templated = Object.entries(headers ?? {})
    .map(([name, v]) => ({ name, t: compileTemplate(v) }))
    .filter(({ t }) => t.names.length > 0);
  if (templated.length === 0) return null;
  return (ctx) => {
    const out: Record<string, string> = {};
    const secrets: string[] = [];
    for (const { name, t } of templated) {
      const value = stringify(t.render(ctx));
      out[name] = value;
      // The client redacts the whole value; the dataset values inside it go too, in case a server echoes
      // only its part ("unknown key abc…" for `X-Auth: "{{tenant}}:{{key}}"`).
      if (!looksSecret(name, value)) continue;
      for (const c of t.columns) {
        const part = stringify(ctx.values[c]);
        if (part.length >= MIN_PART_CHARS) secrets.push(part);
      }
    }
    return { headers: out, secrets };
  };
}

/**
 * The headers as the run manifest hashes them. A secret-looking value is left out like the token (rotating
 * a key is no change, and no hash of it is written), keeping the placeholders it names: a template that
 * switches columns still counts as a change.
 */
export function maskedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, v]) => [name, looksSecret(name, v) ? ['***', ...compileTemplate(v).names.map((n) => `{{${n}}}`)].join(' ') : v]),
  );
}
