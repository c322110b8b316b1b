import { AuditReport, Provenance, RuleInfo, TenantAudit, totalsOf } from '../../../audit/model';

/**
 * A hand-built audit report for the renderer tests: every status, text that breaks naive
 * escaping (`<`, `&`, quotes, pipes, newlines, `</script>`, `<!--`, emoji, a control character
 * XML forbids), a long value, a policy document, a result without evidence and a tenant that
 * could not be read.
 */
export const LONG_VALUE = `arn:aws:kms:eu-west-1:111122223333:key/${'0123456789abcdef'.repeat(200)}`;

export const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyOutsideOrg', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }],
};

export const RULES: ReadonlyArray<RuleInfo> = [
  {
    id: 'LZ-KEY-01',
    title: 'Data encrypted with the tenant\'s own key & rotated',
    severity: 'high',
    tiers: ['L2', 'L3'],
    contract: '4. Keys',
    rationale: 'A shared key lets one tenant\'s grant <decrypt> another tenant\'s data.',
    scope: { stacks: ['data'], resourceTypes: ['aws_kms_key'] },
  },
  {
    id: 'LZ-IAM-02',
    title: 'Data-access role | scoped to the tenant',
    severity: 'medium',
    tiers: ['L1', 'L2', 'L3'],
    contract: '2. Access',
    rationale: 'Wildcards in "Resource" reach other tenants.',
    scope: { stacks: ['data'], resourceTypes: ['aws_kms_key'] },
  },
  {
    id: 'LZ-BAK-03',
    title: 'Backups locked <vault>',
    severity: 'low',
    tiers: ['L3'],
    contract: '6. Backups',
    rationale: 'A locked vault survives a compromised deployment role.',
    scope: { stacks: ['data'], resourceTypes: ['aws_kms_key'] },
  },
  {
    id: 'LZ-TAG-04',
    title: 'Resources tagged with the tenant id',
    severity: 'high',
    tiers: ['L1', 'L2', 'L3'],
    contract: '1. Identity',
    rationale: 'Cost and incident reports find resources by tag.',
    scope: { stacks: ['tenant'], resourceTypes: ['*'] },
  },
];

const ACME: TenantAudit = {
  tenantId: 'acme',
  tier: 'L1',
  status: 'active',
  source: 'state',
  stacks: [{ stack: 'tenant-acme', input: 's3://lz-state/tenants/acme/tenant.tfstate' }],
  problems: [],
  results: [
    { ruleId: 'LZ-KEY-01', status: 'not-applicable', message: 'L1 tenants use the platform key.', evidence: [] },
    {
      ruleId: 'LZ-IAM-02',
      status: 'fail',
      message: 'Role policy allows "dynamodb:*" on <all> tables | not only acme & co.\nSecond line: </script><!-- 🔐',
      evidence: [
        { stack: 'tenant-acme', address: 'aws_iam_role_policy.data_access_1A2B', attribute: 'policy', value: KEY_POLICY },
        { stack: 'tenant-acme', address: 'aws_iam_role.data|access', attribute: 'name', value: 'acme-data <role> & "quoted"\n`ticked` | piped 🔐' },
      ],
    },
    { ruleId: 'LZ-BAK-03', status: 'not-applicable', message: 'Only L3 tenants have a locked vault.', evidence: [] },
    {
      ruleId: 'LZ-TAG-04',
      status: 'pass',
      message: 'Every resource has TenantId=acme.',
      evidence: [{ stack: 'tenant-acme', address: 'aws_sqs_queue.events', attribute: 'tags.TenantId', value: 'acme' }],
    },
  ],
};

const GLOBEX: TenantAudit = {
  tenantId: 'globex',
  tier: 'L2',
  status: 'suspended',
  source: 'state',
  stacks: [
    { stack: 'account-globex', input: 'state/tenants/globex/account.tfstate' },
    { stack: 'tenant-globex', input: 'state/tenant-globex.tfstate' },
  ],
  problems: ['tenant-globex.tfstate: unexpected token < at line 1 & column 2 \u0007'],
  results: [
    {
      ruleId: 'LZ-KEY-01',
      status: 'fail',
      message: 'The items table uses a key outside the tenant account.',
      evidence: [{ stack: 'account-globex', address: 'aws_kms_key.tenant', attribute: 'arn', value: LONG_VALUE }],
    },
    { ruleId: 'LZ-IAM-02', status: 'pass', message: 'Scoped to globex tables.', evidence: [{ stack: 'tenant-globex', address: 'aws_iam_role.data', attribute: 'policy', value: JSON.stringify(KEY_POLICY) }] },
    { ruleId: 'LZ-BAK-03', status: 'not-applicable', message: 'Only L3 tenants have a locked vault.', evidence: [] },
    {
      ruleId: 'LZ-TAG-04',
      status: 'error',
      message: 'Could not read tenant-globex state: unexpected token < & bell \u0007.',
      evidence: [{ stack: 'tenant-globex', address: 'terraform_state', attribute: 'serial', value: null }],
    },
  ],
};

const INITECH: TenantAudit = {
  tenantId: 'initech',
  tier: 'L3',
  status: 'active',
  source: 'state',
  stacks: [{ stack: 'tenant-initech', input: 'tenants/initech/tenant.tfstate' }],
  problems: [],
  results: [
    { ruleId: 'LZ-KEY-01', status: 'pass', message: 'BYOK key in the tenant account.', evidence: [{ stack: 'tenant-initech', address: 'aws_kms_external_key.byok', attribute: 'enabled', value: true }] },
    { ruleId: 'LZ-IAM-02', status: 'pass', message: 'Scoped to initech tables.', evidence: [] },
    { ruleId: 'LZ-BAK-03', status: 'pass', message: 'Vault lock with 3-day grace.', evidence: [{ stack: 'tenant-initech', address: 'aws_backup_vault_lock_configuration.locked', attribute: 'changeable_for_days', value: 3 }] },
    { ruleId: 'LZ-TAG-04', status: 'pass', message: 'Every resource has TenantId=initech.', evidence: [] },
  ],
};

export const TENANTS: ReadonlyArray<TenantAudit> = [ACME, GLOBEX, INITECH];

export const PROVENANCE: Provenance = {
  tool: 'lz 0.1.0',
  commit: '0123456789abcdef0123456789abcdef01234567',
  dirty: false,
  evidence: 'deployed state: Terraform state files (or terraform show -json of them) in state, laid out like the state bucket',
  inputsRelativeTo: 'the state folder state',
};

export function auditReport(tenants: ReadonlyArray<TenantAudit> = TENANTS): AuditReport {
  return {
    landingZone: 'lz<&>',
    generatedAt: '2026-11-23T10:00:00.000Z',
    source: 'state',
    provenance: PROVENANCE,
    rules: RULES,
    tenants,
    totals: totalsOf(tenants),
  };
}

export const EMPTY_REPORT: AuditReport = auditReport([]);
