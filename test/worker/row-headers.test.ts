import { describe, expect, it } from 'vitest';
import { compileRowHeaders, fixedHeaders, maskedHeaders } from '../../src/worker/row-headers.js';

describe('row headers', () => {
  const headers = { 'x-team': 'search', 'x-tenant': '{{tenant}}', 'x-row': 'row-{{row}}', 'x-api-key': 'k-{{key}}', 'x-trace': '{{expected}}' };

  it('fixed headers are the ones without a placeholder', () => {
    expect(fixedHeaders(headers)).toEqual({ 'x-team': 'search' });
    expect(fixedHeaders(undefined)).toEqual({});
  });

  it('renders each templated header per row, as text; none templated costs nothing', () => {
    const render = compileRowHeaders(headers)!;
    const r = render({ row: 3, values: { tenant: 7, key: 'secret-value' }, expected: 'Paris' });
    expect(r.headers).toEqual({ 'x-tenant': '7', 'x-row': 'row-3', 'x-api-key': 'k-secret-value', 'x-trace': 'Paris' });
    expect(compileRowHeaders({ 'x-team': 'search' })).toBeNull();
  });

  it('the dataset values inside a secret-looking header are secrets too (not the short ones)', () => {
    const render = compileRowHeaders({ 'x-auth': '{{tenant}}:{{key}}', 'x-tenant': '{{tenant}}' })!;
    expect(render({ row: 0, values: { tenant: 'ab', key: 'hunter22' } }).secrets).toEqual(['hunter22']);
  });

  it('the manifest form leaves out secret-looking values, keeping the placeholders they name', () => {
    expect(maskedHeaders({ 'x-team': 'search', 'x-api-key': 'Bearer {{key}}', 'x-gw': 'sk-9f3kZqw8XbR2mT7vLp4n' })).toEqual({
      'x-team': 'search',
      'x-api-key': '*** {{key}}',
      'x-gw': '***',
    });
  });
});
