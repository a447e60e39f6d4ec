import { describe, expect, it } from 'vitest';
import { formatMatcher, matchAll, matcherSchema, parseMatcherText } from './matchers.js';

describe('label matchers', () => {
  it('parses the four operators in Alertmanager text form', () => {
    expect(parseMatcherText('severity="page"')).toEqual({
      name: 'severity',
      op: '=',
      value: 'page',
    });
    expect(parseMatcherText('env != prod')).toEqual({ name: 'env', op: '!=', value: 'prod' });
    expect(parseMatcherText('team=~"ml-.*"')).toEqual({ name: 'team', op: '=~', value: 'ml-.*' });
    expect(parseMatcherText('q!~"a\\"b"')).toEqual({ name: 'q', op: '!~', value: 'a"b' });
    expect(parseMatcherText('sev~page')).toBeUndefined();
    expect(parseMatcherText('1abc="x"')).toBeUndefined();
  });

  it('anchors regexes and reads a missing label as empty', () => {
    const labels = { team: 'ml-infra', env: 'prod' };
    expect(matchAll([{ name: 'team', op: '=~', value: 'ml-.*' }], labels)).toBe(true);
    expect(matchAll([{ name: 'team', op: '=~', value: 'ml' }], labels)).toBe(false);
    expect(matchAll([{ name: 'env', op: '!~', value: 'dev|stage' }], labels)).toBe(true);
    expect(matchAll([{ name: 'zone', op: '=', value: '' }], labels)).toBe(true);
    expect(matchAll([{ name: 'zone', op: '!=', value: '' }], labels)).toBe(false);
    expect(matchAll([], labels)).toBe(true);
  });

  it('validates objects and text, regexes included, and formats back', () => {
    expect(matcherSchema.safeParse({ name: 'a', op: '=~', value: '(' }).success).toBe(false);
    expect(matcherSchema.safeParse({ name: 'a', op: '~', value: 'x' }).success).toBe(false);
    const m = matcherSchema.parse('a=~"x|y"');
    expect(formatMatcher(m)).toBe('a=~"x|y"');
  });
});
