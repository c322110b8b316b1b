import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { RuleResult, RuleStatus } from '../../../audit/model';
import { JUNIT_VALUE_LIMIT, renderJunit } from '../../../audit/report/junit';
import { xmlAttribute, xmlText } from '../../../audit/report/xml-text';
import { auditReport, EMPTY_REPORT, LONG_VALUE, RULES, TENANTS } from './fixture';

/** Well-formedness errors from saxes, a strict XML 1.0 parser (it also rejects characters XML forbids). */
function strictXmlErrors(xml: string): string[] {
  const errors: string[] = [];
  const parser = new SaxesParser();
  parser.on('error', (e) => errors.push(e.message));
  parser.write(xml).close();
  return errors;
}

interface XmlElement {
  [key: string]: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  textNodeName: '#text',
  processEntities: true,
  htmlEntities: true, // also decodes numeric character references (&#10;)
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function parse(xml: string): XmlElement {
  return parser.parse(xml) as XmlElement;
}

function suitesOf(xml: string): XmlElement[] {
  const root = parse(xml).testsuites as XmlElement;
  return (root.testsuite as XmlElement[] | undefined) ?? [];
}

/** The child element a status is reported with. */
const ELEMENT: Record<RuleStatus, string | undefined> = { pass: undefined, fail: 'failure', error: 'error', 'not-applicable': 'skipped' };

describe('JUnit report', () => {
  const xml = renderJunit(auditReport());

  test('is well-formed XML 1.0 for fast-xml-parser and for the strict saxes parser', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(strictXmlErrors(xml)).toEqual([]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
  });

  test('totals on testsuites: tests, failures, errors, skipped', () => {
    const root = parse(xml).testsuites as XmlElement;
    expect([root['@tests'], root['@failures'], root['@errors'], root['@skipped']]).toEqual(['12', '2', '1', '3']);
    expect(root['@name']).toBe('lz audit lz<&>');
  });

  test('one testsuite per tenant, with its counts, the provenance and its tier, status, inputs and problems as properties', () => {
    const suites = suitesOf(xml);
    expect(suites.map((s) => s['@name'])).toEqual(TENANTS.map((t) => t.tenantId));
    expect(suites.map((s) => [s['@tests'], s['@failures'], s['@errors'], s['@skipped']])).toEqual([
      ['4', '1', '0', '2'],
      ['4', '1', '1', '1'],
      ['4', '0', '0', '0'],
    ]);
    const globexProperties = ((suites[1].properties as XmlElement).property as XmlElement[]).map((p) => [p['@name'], p['@value']]);
    expect(globexProperties).toEqual([
      ['tool', 'lz 0.1.0'],
      ['commit', '0123456789abcdef0123456789abcdef01234567'],
      ['uncommitted-changes', 'false'],
      ['evidence', 'deployed state: Terraform state files (or terraform show -json of them) in state, laid out like the state bucket'],
      ['inputs-relative-to', 'the state folder state'],
      ['tier', 'L2'],
      ['status', 'suspended'],
      ['source', 'state'],
      ['input', 'state/tenants/globex/account.tfstate'],
      ['input', 'state/tenant-globex.tfstate'],
      ['problem', 'tenant-globex.tfstate: unexpected token < at line 1 & column 2 \\u0007'],
    ]);
  });

  test('one testcase per result: classname the tenant, name the rule id and title, the element its status asks for', () => {
    const suites = suitesOf(xml);
    for (const [i, tenant] of TENANTS.entries()) {
      const cases = suites[i].testcase as XmlElement[];
      expect(cases).toHaveLength(tenant.results.length);
      tenant.results.forEach((result: RuleResult, j) => {
        const testcase = cases[j];
        const rule = RULES.find((r) => r.id === result.ruleId)!;
        expect(testcase['@classname']).toBe(tenant.tenantId);
        expect(testcase['@name']).toBe(`${rule.id} ${rule.title}`);
        for (const element of ['failure', 'error', 'skipped']) {
          expect({ rule: result.ruleId, element, present: element in testcase }).toEqual({ rule: result.ruleId, element, present: element === ELEMENT[result.status] });
        }
      });
    }
  });

  test('a failure carries the message (newlines, quotes and markup intact) and the evidence in its body', () => {
    const acmeFail = (suitesOf(xml)[0].testcase as XmlElement[])[1].failure as XmlElement;
    expect(acmeFail['@message']).toBe('Role policy allows "dynamodb:*" on <all> tables | not only acme & co.\nSecond line: </script><!-- 🔐');
    expect(acmeFail['@type']).toBe('medium');
    const body = acmeFail['#text'] as string;
    expect(body).toContain('Rule LZ-IAM-02: Data-access role | scoped to the tenant (severity medium, contract 2. Access)');
    expect(body).toContain('- stack: tenant-acme\n  address: aws_iam_role_policy.data_access_1A2B\n  attribute: policy\n  value: {"Version":"2012-10-17"');
    expect(body).toContain('  address: aws_iam_role.data|access\n  attribute: name\n  value: "acme-data <role> & \\"quoted\\"\\n`ticked` | piped 🔐"');
  });

  test('an error carries the message, with the forbidden control character made visible', () => {
    const globexError = (suitesOf(xml)[1].testcase as XmlElement[])[3].error as XmlElement;
    expect(globexError['@message']).toBe('Could not read tenant-globex state: unexpected token < & bell \\u0007.');
    expect(globexError['@type']).toBe('could-not-evaluate');
    expect(globexError['#text']).toContain('- stack: tenant-globex\n  address: terraform_state\n  attribute: serial\n  value: null');
  });

  test('a pass keeps its evidence in system-out; a not-applicable result is skipped with its message', () => {
    const initechCases = suitesOf(xml)[2].testcase as XmlElement[];
    expect(initechCases[2]['system-out']).toContain('attribute: changeable_for_days\n  value: 3');
    const acmeSkipped = (suitesOf(xml)[0].testcase as XmlElement[])[0].skipped as XmlElement;
    expect(acmeSkipped['@message']).toBe('not applicable: L1 tenants use the platform key.');
  });

  test('long values are shortened in the body', () => {
    const globexFail = (suitesOf(xml)[1].testcase as XmlElement[])[0].failure as XmlElement;
    expect(globexFail['#text']).toContain(`value: ${LONG_VALUE.slice(0, JUNIT_VALUE_LIMIT)}… (${LONG_VALUE.length - JUNIT_VALUE_LIMIT} more characters)`);
  });

  test('problems reading the evidence go to the tenant suite\'s system-err', () => {
    expect(suitesOf(xml)[1]['system-err']).toBe('Problem reading the evidence: tenant-globex.tfstate: unexpected token < at line 1 & column 2 \\u0007');
    expect(suitesOf(xml)[0]['system-err']).toBeUndefined();
  });

  test('an audit of no tenants is a valid, empty testsuites element', () => {
    const empty = renderJunit(EMPTY_REPORT);
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(strictXmlErrors(empty)).toEqual([]);
    expect(suitesOf(empty)).toEqual([]);
    expect((parse(empty).testsuites as XmlElement)['@tests']).toBe('0');
  });
});

describe('XML escaping', () => {
  test.each([
    ['a < b && c > d', 'a &lt; b &amp;&amp; c &gt; d'],
    ['bell\u0007 nul\u0000 ff\u000c', 'bell\\u0007 nul\\u0000 ff\\u000C'],
    ['noncharacters \uFFFE\uFFFF', 'noncharacters \\uFFFE\\uFFFF'],
    ['lone \uD800 high, lone \uDC00 low, pair 🔐', 'lone \\uD800 high, lone \\uDC00 low, pair 🔐'],
    ['cr\r\nlf', 'cr&#13;\nlf'],
  ])('xmlText(%j) is %j', (input, expected) => {
    expect(xmlText(input)).toBe(expected);
    expect(strictXmlErrors(`<a>${xmlText(input)}</a>`)).toEqual([]);
  });

  test('attribute values keep quotes, tabs and newlines through a parser', () => {
    const value = 'say "hi"\tthen\nleave & <go>';
    const element = `<a v="${xmlAttribute(value)}"/>`;
    expect(strictXmlErrors(element)).toEqual([]);
    expect((parse(element).a as XmlElement)['@v']).toBe(value);
  });
});
