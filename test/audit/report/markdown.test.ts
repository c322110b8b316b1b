import { RuleStatus } from '../../../audit/model';
import { codeSpan, markdownText, tableCode } from '../../../format/markdown';
import { MARKDOWN_VALUE_LIMIT, renderMarkdown } from '../../../audit/report/markdown';
import { auditReport, EMPTY_REPORT, KEY_POLICY, LONG_VALUE, TENANTS } from './fixture';

/** Cells of a Markdown table row, split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The lines of the section that starts with `heading`, up to the next heading of that level or higher. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end);
}

const SYMBOL: Record<RuleStatus, string> = { pass: '✅', fail: '❌', error: '⚠️', 'not-applicable': '—' };

describe('Markdown report', () => {
  const markdown = renderMarkdown(auditReport(), { verbose: true });

  test('by default (not verbose): only tenants with failures, errors or problems, in detail; passes as counts', () => {
    const brief = renderMarkdown(auditReport());
    // initech passes everything: counted in the totals, not listed.
    expect(brief).not.toContain('initech');
    expect(brief).toContain('1 tenant with every rule passing or not applicable is counted above, not listed (`lz audit --verbose` lists every tenant and result).');
    const globex = section(brief, '## Tenant `globex` (L2, suspended)').join('\n');
    expect(globex).toContain('❌ 1 fail · ⚠️ 1 error · ✅ 1 pass · — 1 not applicable.');
    expect(globex).toContain('### ❌ fail: `LZ-KEY-01`');
    expect(globex).not.toContain('<details>');
    expect(brief).not.toContain('✅ pass: `');
    expect(brief.length).toBeLessThan(markdown.length);
  });

  test('states its provenance: tool, commit, the evidence in plain words, what input paths are relative to', () => {
    expect(section(markdown, '## Provenance')).toEqual([
      '## Provenance',
      '',
      '- Tool: lz 0.1.0, at commit `0123456789ab`',
      '- Evidence: deployed state: Terraform state files (or terraform show -json of them) in state, laid out like the state bucket',
      '- Input paths are relative to the state folder state',
      '',
    ]);
  });

  test('starts with the totals: tenants, pass, fail, error, not applicable, tenants failing', () => {
    const totals = section(markdown, '## Totals').filter((line) => line.startsWith('|'));
    expect(cells(totals[0])).toEqual(['Tenants', '✅ Pass', '❌ Fail', '⚠️ Error', '— Not applicable', 'Tenants failing']);
    expect(cells(totals[2])).toEqual(['3', '6', '2', '1', '3', '2']);
    expect(markdown.indexOf('## Totals')).toBeLessThan(markdown.indexOf('## Tenants by rule'));
  });

  test('the summary table has one row per tenant and the status symbol of every result under its rule', () => {
    const table = section(markdown, '## Tenants by rule').filter((line) => line.startsWith('|'));
    const header = cells(table[0]);
    expect(header).toEqual(['Tenant', 'Tier', '`LZ-KEY-01`', '`LZ-IAM-02`', '`LZ-BAK-03`', '`LZ-TAG-04`']);
    const rows = table.slice(2).map(cells);
    expect(rows.map((row) => row[0])).toEqual(TENANTS.map((t) => `\`${t.tenantId}\``));
    for (const [i, tenant] of TENANTS.entries()) {
      expect(rows[i]).toHaveLength(header.length);
      expect(rows[i][1]).toBe(tenant.tier);
      for (const result of tenant.results) {
        expect(rows[i][header.indexOf(`\`${result.ruleId}\``)]).toBe(SYMBOL[result.status]);
      }
    }
  });

  test('every table row keeps its column count despite pipes and newlines in the data', () => {
    const tables = markdown.split('\n\n').filter((block) => block.startsWith('| '));
    expect(tables.length).toBeGreaterThan(3);
    for (const table of tables) {
      const rows = table.split('\n');
      const width = cells(rows[0]).length;
      for (const row of rows) expect(cells(row)).toHaveLength(width);
    }
  });

  test('a tenant section lists failures and errors first, with message, rationale and every evidence field', () => {
    const globex = section(markdown, '## Tenant `globex` (L2, suspended)');
    const text = globex.join('\n');
    const fail = text.indexOf('### ❌ fail: `LZ-KEY-01` Data encrypted with the tenant\'s own key \\& rotated (high)');
    const error = text.indexOf('### ⚠️ error: `LZ-TAG-04` Resources tagged with the tenant id (high)');
    const passes = text.indexOf('<details>');
    expect(fail).toBeGreaterThan(0);
    expect(error).toBeGreaterThan(fail);
    expect(passes).toBeGreaterThan(error);
    expect(text).toContain('The items table uses a key outside the tenant account.');
    expect(text).toContain('> Why it matters (contract 4\\. Keys): A shared key lets one tenant\'s grant \\<decrypt\\> another tenant\'s data.');
    const evidenceRow = globex.find((line) => line.startsWith('| `account-globex`'));
    expect(cells(evidenceRow!).slice(0, 3)).toEqual(['`account-globex`', '`aws_kms_key.tenant`', '`arn`']);
    const errorRow = globex.find((line) => line.startsWith('| `tenant-globex`'));
    expect(cells(errorRow!)).toEqual(['`tenant-globex`', '`terraform_state`', '`serial`', '`null`']);
  });

  test('problems reading a tenant\'s evidence and its inputs are listed', () => {
    const globex = section(markdown, '## Tenant `globex` (L2, suspended)').join('\n');
    expect(globex).toContain('Evidence from state: `state/tenants/globex/account.tfstate`, `state/tenant-globex.tfstate`.');
    expect(globex).toContain('**Problems reading the evidence:**\n\n- tenant-globex.tfstate: unexpected token \\< at line 1 \\& column 2 \\\\u0007');
  });

  test('passes and not-applicable results sit in a collapsed details section, with their evidence', () => {
    const initech = section(markdown, '## Tenant `initech` (L3, active)').join('\n');
    expect(initech).not.toContain('###');
    const details = /<details>\n<summary>4 passed, 0 not applicable<\/summary>\n\n([\s\S]*?)\n\n<\/details>/.exec(initech);
    expect(details).not.toBeNull();
    expect(details![1].split('\n')).toEqual([
      "- ✅ pass: `LZ-KEY-01` Data encrypted with the tenant's own key \\& rotated: BYOK key in the tenant account. (`tenant-initech` `aws_kms_external_key.byok` `enabled` = `true`)",
      '- ✅ pass: `LZ-IAM-02` Data-access role \\| scoped to the tenant: Scoped to initech tables.',
      '- ✅ pass: `LZ-BAK-03` Backups locked \\<vault\\>: Vault lock with 3-day grace. (`tenant-initech` `aws_backup_vault_lock_configuration.locked` `changeable_for_days` = `3`)',
      '- ✅ pass: `LZ-TAG-04` Resources tagged with the tenant id: Every resource has TenantId=initech.',
    ]);
    const acme = section(markdown, '## Tenant `acme` (L1, active)').join('\n');
    expect(acme).toContain('<summary>1 passed, 2 not applicable</summary>');
    expect(acme).toContain('- — not applicable: `LZ-KEY-01`');
  });

  test('every result of every tenant appears with its status, exactly once', () => {
    for (const tenant of TENANTS) {
      const text = section(markdown, `## Tenant \`${tenant.tenantId}\` (${tenant.tier}, ${tenant.status})`).join('\n');
      for (const result of tenant.results) {
        const label = result.status === 'not-applicable' ? 'not applicable' : result.status;
        const mentions = text.split(`${SYMBOL[result.status]} ${label}: \`${result.ruleId}\``).length - 1;
        expect({ tenant: tenant.tenantId, rule: result.ruleId, mentions }).toEqual({ tenant: tenant.tenantId, rule: result.ruleId, mentions: 1 });
      }
    }
  });

  test('policies are compact JSON, whether stored as objects or as strings', () => {
    const compact = JSON.stringify(KEY_POLICY);
    expect(markdown).toContain(`| \`policy\` | \`${compact}\` |`);
    expect(markdown).toContain(`\`policy\` = \`${compact}\``);
  });

  test('long values are shortened and say how much was left out', () => {
    const row = markdown.split('\n').find((line) => line.startsWith('| `account-globex`'))!;
    const value = cells(row)[3];
    expect(value).toBe(`\`${LONG_VALUE.slice(0, MARKDOWN_VALUE_LIMIT)}… (${LONG_VALUE.length - MARKDOWN_VALUE_LIMIT} more characters)\``);
  });

  test('odd characters never become markup: angle brackets, ampersands, pipes, newlines, backticks, emoji', () => {
    expect(markdown).toContain('Role policy allows "dynamodb:\\*" on \\<all\\> tables \\| not only acme \\& co.<br>Second line: \\</script\\>\\<!-- 🔐');
    expect(markdown).toContain('| `tenant-acme` | `aws_iam_role.data\\|access` | `name` | ``"acme-data <role> & \\"quoted\\"\\n`ticked` \\| piped 🔐"`` |');
    const outsideCode = markdown.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(outsideCode).toContain('\\<all\\>');
    expect(outsideCode).not.toMatch(/(?<!\\)<(?!br>|\/?details>|\/?summary>)/);
    expect(markdown.startsWith('# Compliance audit: lz\\<\\&\\>\n')).toBe(true);
  });

  test('an audit of no tenants still has totals, rules and says no tenant was audited', () => {
    const empty = renderMarkdown(EMPTY_REPORT);
    expect(cells(section(empty, '## Totals').filter((line) => line.startsWith('|'))[2])).toEqual(['0', '0', '0', '0', '0', '0']);
    expect(section(empty, '## Tenants by rule')).toContain('No tenants were audited.');
    expect(empty).toContain('| `LZ-BAK-03` | Backups locked \\<vault\\> | low | L3 | 6\\. Backups |');
    expect(empty).not.toContain('## Tenant ');
  });
});

describe('Markdown escaping', () => {
  test.each([
    ['a|b', 'a\\|b'],
    ['<b>&amp;</b>', '\\<b\\>\\&amp;\\</b\\>'],
    ['line one\nline two\r\nthree', 'line one<br>line two<br>three'],
    ['- not a list', '\\- not a list'],
    ['1. not a list', '1\\. not a list'],
    ['# not a heading', '\\# not a heading'],
    ['*em* _em_ [link](x) `code`', '\\*em\\* \\_em\\_ \\[link\\](x) \\`code\\`'],
    ['back\\slash', 'back\\\\slash'],
    ['bell\u0007', 'bell\\\\u0007'],
  ])('markdownText(%j) is %j', (input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });

  test.each([
    ['plain', '`plain`'],
    ['one ` tick', '``one ` tick``'],
    ['`edge`', '`` `edge` ``'],
    ['two\nlines', '`two\\nlines`'],
    ['', '—'],
  ])('codeSpan(%j) is %j', (input, expected) => {
    expect(codeSpan(input)).toBe(expected);
  });

  test('tableCode escapes pipes inside the code span', () => {
    expect(tableCode('a|b')).toBe('`a\\|b`');
  });
});
