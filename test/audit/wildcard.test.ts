import fc from 'fast-check';
import { covers } from '../../audit/rules/helpers';
import { wildcardMatch } from '../../audit/wildcard';

/** The regular expression the audit used to build: correct, but exponential on many stars. */
function regexMatch(pattern: string, text: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(text);
}

describe('IAM wildcard matching without regular expressions', () => {
  test.each([
    ['kms:*', 'kms:Decrypt', true],
    ['KMS:decrypt', 'kms:Decrypt', true],
    ['kms:De*', 'kms:Decrypt', true],
    ['kms:*crypt', 'kms:Encrypt', true],
    ['kms:?ecrypt', 'kms:Decrypt', true],
    ['kms:?ecrypt', 'kms:ReEncrypt', false],
    ['*', '', true],
    ['', '', true],
    ['a*a', 'a', false],
    ['kms:Get*Key*', 'kms:GenerateDataKey', false],
    ['kms:*Data*', 'kms:GenerateDataKey', true],
    ['s3:*Object', 's3:GetObject', true],
    ['s3:Get?bject', 's3:GetObjectAcl', false],
  ])('%j against %j: %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
    expect(regexMatch(pattern, text)).toBe(expected);
  });

  test('"kms:" and 30 stars then "x" is decided (a regular expression backtracks for hours on it)', () => {
    const pattern = `kms:${'*'.repeat(30)}x`;
    expect(covers([pattern], 'kms:PutKeyPolicy')).toBe(false);
    expect(covers([pattern], 'kms:GetKeyPolicyx')).toBe(true);
    expect(wildcardMatch(`${'a*'.repeat(2000)}b`, 'a'.repeat(20000))).toBe(false);
  });

  test('agrees with the regular expression on generated patterns (few stars, so the reference stays fast)', () => {
    const alphabet = fc.constantFrom('a', 'b', ':', 'K');
    const patternChar = fc.oneof({ weight: 4, arbitrary: alphabet }, { weight: 1, arbitrary: fc.constantFrom('*', '?') });
    fc.assert(
      fc.property(fc.array(patternChar, { maxLength: 10 }).map((cs) => cs.join('')), fc.array(alphabet, { maxLength: 12 }).map((cs) => cs.join('')), (pattern, text) => {
        expect(wildcardMatch(pattern, text)).toBe(regexMatch(pattern, text));
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});
