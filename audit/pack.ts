import { RuleInfo, Severity } from './model';
import { AuditRule } from './rule';
import { accountOu } from './rules/account-ou';
import { backupPlan } from './rules/backup-plan';
import { bucketHardening } from './rules/bucket-hardening';
import { busPolicies } from './rules/bus-policies';
import { byok } from './rules/byok';
import { costAllocation } from './rules/cost-allocation';
import { dataAccessTrust } from './rules/data-access-trust';
import { dataEncryption } from './rules/data-encryption';
import { dataMigration } from './rules/data-migration';
import { eventRouting } from './rules/event-routing';
import { keyPolicy } from './rules/key-policy';
import { keyRotation } from './rules/key-rotation';
import { leadingKeys } from './rules/leading-keys';
import { requiredTags } from './rules/required-tags';
import { residency } from './rules/residency';
import { restoreTesting } from './rules/restore-testing';
import { stateKey } from './rules/state-key';
import { supportAccess } from './rules/support-access';
import { tableProtection } from './rules/table-protection';
import { tierResources } from './rules/tier-resources';

/**
 * The audit pack: each rule's id, title, severity, tiers, the point of the isolation contract it
 * checks (DESIGN.md) and why it matters. The checks live one per file in rules/.
 */
interface PackEntry {
  readonly rule: AuditRule;
  readonly title: string;
  readonly severity: Severity;
  readonly contract: string;
  readonly rationale: string;
}

const PACK: ReadonlyArray<PackEntry> = [
  { rule: accountOu, title: 'Tenant account in its tier OU', severity: 'high', contract: '3. Dedicated accounts, 6. Guardrails', rationale: "The OU decides which guardrails bind the account; an account in the wrong OU escapes its tier's SCPs." },
  { rule: dataEncryption, title: "Data encrypted with the tenant's own key", severity: 'high', contract: '4. Keys', rationale: "A dedicated tenant's data must be readable only through its key; a shared or AWS-owned key breaks the account boundary for data." },
  { rule: byok, title: 'BYOK: imported material or customer key, never in state', severity: 'high', contract: '4. Keys', rationale: 'L3 customers control their key; key material in Terraform state would hand it to everyone who can read state.' },
  { rule: keyRotation, title: 'Key rotation', severity: 'medium', contract: '4. Keys', rationale: 'Yearly rotation limits what one compromised key version can decrypt.' },
  { rule: keyPolicy, title: 'Key policy separates administrators and users', severity: 'high', contract: '4. Keys', rationale: 'Whoever manages a key must not read the data, and no principal outside the organization may use it.' },
  { rule: tableProtection, title: 'Tables: point-in-time recovery and deletion protection', severity: 'high', contract: '7. Nothing is lost by accident', rationale: 'PITR restores any second of the last 35 days; deletion protection stops a single API call from deleting the table.' },
  { rule: bucketHardening, title: 'Bucket: public access blocked, versioned, TLS only', severity: 'high', contract: '1. Pooled data, 7. Nothing is lost', rationale: 'Tenant files must never be public, overwritten for good, or read over plain HTTP.' },
  { rule: backupPlan, title: 'Backups as agreed', severity: 'high', contract: '7. Nothing is lost by accident', rationale: 'The schedule and retention are part of the contract with the tenant; L3 recovery points must be locked.' },
  { rule: restoreTesting, title: 'Restore tests prove the backups', severity: 'high', contract: '7. Nothing is lost by accident', rationale: 'A backup nobody has restored is a hope, not a backup: restore tests on a schedule, and their results, are the proof a tenant and its auditors can check.' },
  { rule: busPolicies, title: 'Bus policies restricted', severity: 'high', contract: '5. Events', rationale: 'Only the organization may publish to the central bus, and only the platform to a tenant bus.' },
  { rule: eventRouting, title: 'Event routing by account', severity: 'high', contract: '5. Events', rationale: 'AWS sets `account`; a tenant id in `detail` can be written by any sender and must never route events from tenant accounts.' },
  { rule: dataAccessTrust, title: 'Data-access role trusted by the expected principals only', severity: 'high', contract: '1. Pooled data, 3. Dedicated accounts', rationale: "Only the app's session-vending roles, for this tenant, from the organization, may obtain tenant-scoped sessions." },
  { rule: leadingKeys, title: 'LeadingKeys guard on tenant data', severity: 'high', contract: '1. Pooled data', rationale: "A tenant session must reach only its own partition and prefix: without the guard one tenant reads another's items." },
  { rule: supportAccess, title: 'Support access: read-only without data, break-glass with a ticket and an alarm', severity: 'high', contract: '3. Dedicated accounts', rationale: "Support must be able to help without reading the tenant's data; the way in for emergencies must be time-bound, tied to a ticket, alarmed and on the record." },
  { rule: residency, title: 'Data residency', severity: 'high', contract: '6. Guardrails', rationale: "Where a tenant's data may live is a contractual (often legal) promise; a policy on the account, not good intentions, must keep every request in those regions." },
  { rule: costAllocation, title: 'Cost per tenant: allocation tags and budget', severity: 'medium', contract: 'Operations', rationale: 'Without active cost allocation tags no bill says what a tenant costs; a budget alerts before a tenant costs more than agreed.' },
  { rule: requiredTags, title: 'Required tags', severity: 'low', contract: 'Conventions', rationale: 'TenantId and Tier on every resource make cost, inventory and incident response per tenant possible.' },
  { rule: stateKey, title: "State under the tenant's prefix", severity: 'medium', contract: 'State', rationale: "Each tenant's audit and access to state must be limitable to its own prefix." },
  {
    rule: dataMigration,
    title: 'Tier moves: data where it is served, verified; old copies within retention',
    severity: 'high',
    contract: '7. Nothing is lost by accident',
    rationale: 'A tenant that moved up a tier must have every item, file and user where the app serves it, verified against the old copy; that copy is personal data kept only for the agreed retention.',
  },
  { rule: tierResources, title: 'Resources match the tier', severity: 'high', contract: 'Tiers', rationale: 'What the tenant pays for and what its contract promises must exist, and nothing of another tier (an L1 tenant with a dedicated table is a finding).' },
];

export const RULES: ReadonlyArray<AuditRule> = PACK.map((p) => p.rule);

export const RULE_INFO: ReadonlyArray<RuleInfo> = PACK.map((p) => ({ id: p.rule.id, title: p.title, severity: p.severity, tiers: p.rule.tiers, contract: p.contract, rationale: p.rationale, scope: { stacks: [...p.rule.scope.stacks], resourceTypes: [...p.rule.scope.resourceTypes] } }));

export function ruleInfo(id: string): RuleInfo {
  const info = RULE_INFO.find((r) => r.id === id);
  if (!info) throw new Error(`unknown audit rule ${id}`);
  return info;
}
