import { describe, expect, it } from 'vitest';
import { compileTemplate, renderInputs } from '../../src/dataset/template.js';

const ctx = { row: 7, values: { q: 'Why?', n: 3, flag: true, list: [1, 'a'], obj: { a: 1 }, nothing: null, 'user question': 'spaced' } };

describe('compileTemplate', () => {
  it.each([
    ['{{q}}', 'Why?'],
    ['{{ q }}', 'Why?'],
    ['{{n}}', 3],
    ['{{flag}}', true],
    ['{{list}}', [1, 'a']],
    ['{{row}}', 7],
    ['id-{{row}}', 'id-7'],
    ['Q: {{q}} ({{n}}, {{flag}})', 'Q: Why? (3, true)'],
    ['{{list}} / {{obj}}', '[1,"a"] / {"a":1}'],
    ['[{{nothing}}]', '[]'],
    ['[{{absent}}]', '[]'],
    ['{{ user question }}', 'spaced'],
    ['no placeholders', 'no placeholders'],
    ['{{}} stays', '{{}} stays'],
    ['', ''],
  ])('%j renders %j', (text, out) => {
    expect(compileTemplate(text).render(ctx)).toEqual(out);
  });

  it('{{expected}} comes from the context when given, else from a column', () => {
    expect(compileTemplate('{{expected}}!').render({ ...ctx, expected: 'yes' })).toBe('yes!');
    expect(compileTemplate('{{expected}}').render({ row: 0, values: { expected: 'col' } })).toBe('col');
  });

  it('lists the columns it names, reserved names apart', () => {
    const t = compileTemplate('{{a}} {{ b }} {{a}} {{row}} {{expected}}');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.names).toEqual(['a', 'b', 'row', 'expected']);
  });
});

describe('renderInputs', () => {
  it('renders string values and passes other values through', () => {
    const inputs = { 'in-0': '{{q}}', user_id: 'flowbench-{{row}}', count: '{{n}}', stream: true, tags: ['{{q}}'] };
    expect(renderInputs(inputs, ctx)).toEqual({ 'in-0': 'Why?', user_id: 'flowbench-7', count: 3, stream: true, tags: ['{{q}}'] });
    // Second call reuses the compiled templates and gives the same answer for a new row.
    expect(renderInputs(inputs, { row: 8, values: { q: 'How?', n: 1 } })).toEqual({
      'in-0': 'How?',
      user_id: 'flowbench-8',
      count: 1,
      stream: true,
      tags: ['{{q}}'],
    });
  });

  it("spreads an object under the '...' key (a trace's recorded inputs), later keys overriding; anything else stays a key", () => {
    const inputs = { '...': '{{inputs}}', user_id: '{{conversation_user}}' };
    const values = { inputs: { 'in-0': 'hi', user_id: 'traced', n: 2 }, conversation_user: 'u-1' };
    expect(renderInputs(inputs, { row: 0, values })).toEqual({ 'in-0': 'hi', user_id: 'u-1', n: 2 });
    expect(renderInputs({ '...': '{{q}}' }, { row: 0, values: { q: 'text' } })).toEqual({ '...': 'text' });
  });
});
