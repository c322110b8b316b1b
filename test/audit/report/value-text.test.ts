import { shorten, valueText } from '../../../audit/report/value-text';

describe('evidence values as text', () => {
  test.each<[unknown, string]>([
    ['plain', 'plain'],
    ['', '""'],
    [' padded ', '" padded "'],
    ['two\nlines', '"two\\nlines"'],
    ['{"Version":"2012-10-17", "Statement": []}', '{"Version":"2012-10-17","Statement":[]}'],
    ['{not json', '{not json'],
    [{ b: 1, a: [true, null] }, '{"b":1,"a":[true,null]}'],
    [42, '42'],
    [false, 'false'],
    [null, 'null'],
    [undefined, '(absent)'],
  ])('valueText(%j) is %j', (value, expected) => {
    expect(valueText(value)).toBe(expected);
  });

  test('shorten keeps short text and cuts long text at a code point, saying how much is left out', () => {
    expect(shorten('abc', 3)).toBe('abc');
    expect(shorten('abcdef', 3)).toBe('abc… (3 more characters)');
    expect(shorten('🔐🔐🔐', 2)).toBe('🔐🔐… (1 more character)');
  });
});
