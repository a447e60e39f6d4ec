import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, TemplateError } from './template.js';

const render = (t: string, data: unknown) => renderTemplate(parseTemplate(t), data);

describe('custom body templates', () => {
  it('inserts values escaped for a JSON string, or raw', () => {
    const data = { a: { b: 'say "hi"\n' }, n: 3, o: { k: 1 } };
    expect(render('{"t":"{{ a.b }}","n":{{n}},"o":{{{o}}}}', data)).toBe(
      '{"t":"say \\"hi\\"\\n","n":3,"o":{"k":1}}',
    );
    expect(JSON.parse(render('{"t":"{{ a.b }}"}', data))).toEqual({ t: 'say "hi"\n' });
    expect(render('[{{missing}}]', data)).toBe('[]');
  });

  it('loops over lists with the item as context, and marks the last one', () => {
    const data = { status: 'firing', alerts: [{ labels: { x: '1' } }, { labels: { x: '2' } }] };
    expect(render('{{#alerts}}{{labels.x}}/{{status}}{{^@last}},{{/@last}}{{/alerts}}', data)).toBe(
      '1/firing,2/firing',
    );
    expect(render('{{#tags}}<{{.}}>{{/tags}}', { tags: ['a', 'b'] })).toBe('<a><b>');
  });

  it('shows sections for true values and inverted sections for empty ones', () => {
    expect(render('{{#on}}yes{{/on}}{{^on}}no{{/on}}', { on: true })).toBe('yes');
    expect(render('{{#on}}yes{{/on}}{{^on}}no{{/on}}', { on: [] })).toBe('no');
  });

  it('refuses unbalanced sections and names that are not paths', () => {
    expect(() => parseTemplate('{{#a}}x')).toThrow(TemplateError);
    expect(() => parseTemplate('{{/a}}')).toThrow(TemplateError);
    expect(() => parseTemplate('{{#a}}{{/b}}')).toThrow(TemplateError);
    expect(() => parseTemplate('{{ constructor.constructor("return 1")() }}')).toThrow(
      TemplateError,
    );
  });

  it('reads own properties only, never the prototype', () => {
    expect(render('{{constructor}}{{__proto__}}{{a.toString}}', { a: {} })).toBe('');
  });

  it('caps the rendered size', () => {
    const data = { xs: Array.from({ length: 1000 }, () => 'y'.repeat(1000)) };
    expect(() => render('{{#xs}}{{.}}{{/xs}}', data)).toThrow(/exceeds/);
  });

  it('keeps a JSON template valid JSON whatever the values are', () => {
    const t =
      '{"s":"{{status}}","a":[{{#alerts}}"{{labels.x}}"{{^@last}},{{/@last}}{{/alerts}}],"raw":{{{o}}}}';
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 50 }),
        fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 5 }),
        // Raw strings are inserted as they are (to compose text), so not as JSON here.
        fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'string'),
        (status, xs, o) => {
          const out = JSON.parse(
            render(t, { status, alerts: xs.map((x) => ({ labels: { x } })), o }),
          );
          expect(out.s).toBe(status);
          expect(out.a).toEqual(xs);
          expect(out.raw).toEqual(JSON.parse(JSON.stringify(o)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
