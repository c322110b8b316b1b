import { platformNames, tenantNames } from '../../model/names';
import { sessionVendingRoleArns, TenantProfile } from '../../model/profile';
import { LandingZone } from '../../model/validate';
import { SynthResult } from '../../stacks/synthesize';
import { matchesPattern } from './event-pattern';
import { decide, Decision, Doc, findPolicy, inlinePolicyOfRole, trustPolicyOfRole } from './iam';
import { resources, stackJson, TfJson } from './synth';

/**
 * The isolation contract checked on any synthesized tenant set, whatever its size and mix: each
 * dedicated tenant against a neighbour (the next dedicated tenant, or a foreign account when it
 * is the only one), each pooled tenant against the others, and event routing for every tenant.
 * Returns what was checked and every violation, so that a caller can assert both; the checks
 * run the synthesized policies through an IAM policy simulator and the synthesized event
 * patterns through the pattern matcher.
 */
export interface IsolationOutcome {
  readonly checked: number;
  readonly violations: string[];
}

const ACCOUNT_REF = '${data.terraform_remote_state.account-state.outputs.account_id}';
const ALLOW_ALL: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const FOREIGN_ACCOUNT = '999999999999';

interface Party {
  readonly id: string;
  readonly profile: TenantProfile;
  readonly account: string;
  /** The tenant stack with the account id resolved (created accounts get a stand-in id). */
  readonly stack?: TfJson;
}

export async function checkIsolation(lz: LandingZone, result: SynthResult): Promise<IsolationOutcome> {
  const { settings } = lz;
  const PLATFORM = settings.organization.platformAccountId;
  const ORG = settings.organization.id;
  const platform = platformNames(settings);
  const violations: string[] = [];
  let checked = 0;
  const check = async (what: string, got: Promise<Decision> | Decision, want: Decision | 'denied') => {
    checked++;
    const decision = await got;
    const ok = want === 'denied' ? decision !== 'Allowed' : decision === want;
    if (!ok) violations.push(`${what}: ${decision}, expected ${want}`);
  };

  const taken = new Set<string>([PLATFORM, settings.organization.managementAccountId, FOREIGN_ACCOUNT]);
  for (const t of lz.tenants) if (t.profile.account.side === 'tenant' && t.profile.account.adoptedId) taken.add(t.profile.account.adoptedId);
  let next = 0;
  const standIn = () => {
    let id: string;
    do id = `7${String(next++).padStart(11, '0')}`;
    while (taken.has(id));
    taken.add(id);
    return id;
  };
  const parties: Party[] = lz.tenants.map(({ manifest, profile }) => {
    const stack = result.stacks.some((s) => s.spec.name === `tenant-${manifest.id}`) ? stackJson(result, `tenant-${manifest.id}`) : undefined;
    if (profile.account.side === 'platform') return { id: manifest.id, profile, account: PLATFORM, stack };
    const account = profile.account.adoptedId ?? standIn();
    return { id: manifest.id, profile, account, stack: stack && JSON.parse(JSON.stringify(stack).split(ACCOUNT_REF).join(account)) };
  });
  const dedicated = parties.filter((p) => p.profile.dedicated && p.stack);
  const pooled = parties.filter((p) => !p.profile.dedicated);

  for (const [i, X] of dedicated.entries()) {
    const Y = dedicated.length > 1 ? dedicated[(i + 1) % dedicated.length] : undefined;
    const yId = Y?.id ?? 'foreign';
    const yAccount = Y?.account ?? FOREIGN_ACCOUNT;
    const yAdmin = `arn:aws:iam::${yAccount}:role/Admin`;
    const fromY = { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': yAccount, 'aws:SecureTransport': 'true' };
    const stack = X.stack!;
    const label = `tenant ${X.id} (neighbour ${yId})`;

    if (X.profile.dataAccessRole.present) {
      const roleName = X.profile.dataAccessRole.name;
      const role = `arn:aws:iam::${X.account}:role/${roleName}`;
      const trust = trustPolicyOfRole(stack, roleName);
      const assume = (principal: string, ctx: Record<string, string | string[]>) =>
        decide({ principal, action: 'sts:AssumeRole', resource: role, resourceAccount: X.account, context: { 'aws:PrincipalOrgID': ORG, 'aws:TagKeys': ['TenantId'], ...ctx } }, { resource: trust, identity: [ALLOW_ALL] });
      const [vending] = sessionVendingRoleArns(X.profile, { platform: PLATFORM, tenant: X.account });
      await check(`${label}: the serving app assumes the data-access role for ${X.id}`, assume(vending, { 'aws:RequestTag/TenantId': X.id, 'sts:ExternalId': X.id }), 'Allowed');
      await check(`${label}: the serving app on behalf of ${yId} (tag)`, assume(vending, { 'aws:RequestTag/TenantId': yId, 'sts:ExternalId': X.id }), 'denied');
      await check(`${label}: the serving app on behalf of ${yId} (external id)`, assume(vending, { 'aws:RequestTag/TenantId': X.id, 'sts:ExternalId': yId }), 'denied');
      await check(`${label}: the serving app from outside the organization`, assume(vending, { 'aws:RequestTag/TenantId': X.id, 'sts:ExternalId': X.id, 'aws:PrincipalOrgID': 'o-someoneelse' }), 'denied');
      if (Y) {
        const yRole = `arn:aws:iam::${Y.account}:role/${Y.profile.dataAccessRole.name}`;
        await check(`${label}: ${yId}'s data-access role`, assume(yRole, { 'aws:RequestTag/TenantId': X.id, 'sts:ExternalId': X.id }), 'denied');
        for (const yVending of sessionVendingRoleArns(Y.profile, { platform: PLATFORM, tenant: Y.account }).filter((arn) => !arn.includes(`::${PLATFORM}:`))) {
          await check(`${label}: ${yId}'s own app role ${yVending}`, assume(yVending, { 'aws:RequestTag/TenantId': X.id, 'sts:ExternalId': X.id }), 'denied');
        }
      }

      const policy = inlinePolicyOfRole(stack, roleName);
      const session = `arn:aws:sts::${X.account}:assumed-role/${roleName}/tenant-${X.id}`;
      const table = (p: { account: string; profile: TenantProfile }) => `arn:aws:dynamodb:${p.profile.region}:${p.account}:table/${p.profile.data.itemsTable}`;
      const get = (resource: string, account: string, keys: string[]) =>
        decide({ principal: session, action: 'dynamodb:GetItem', resource, resourceAccount: account, context: { 'aws:PrincipalTag/TenantId': X.id, 'dynamodb:LeadingKeys': keys } }, { identity: [policy] });
      await check(`${label}: ${X.id}'s session reads its own items`, get(table(X), X.account, [X.id]), 'Allowed');
      await check(`${label}: ${X.id}'s session reads ${yId}'s partition of its own table`, get(table(X), X.account, [yId]), 'denied');
      if (Y) {
        await check(`${label}: ${X.id}'s session reads ${yId}'s table`, get(table(Y), Y.account, [X.id]), 'denied');
        const yBucket = `arn:aws:s3:::${Y.profile.data.bucketName(Y.account)}`;
        await check(
          `${label}: ${X.id}'s session reads ${yId}'s bucket`,
          decide({ principal: session, action: 's3:GetObject', resource: `${yBucket}/${X.id}/files/a`, resourceAccount: Y.account, context: { 'aws:PrincipalTag/TenantId': X.id } }, { identity: [policy] }),
          'denied',
        );
      }
    }

    const bucket = `arn:aws:s3:::${X.profile.data.bucketName(X.account)}`;
    const bucketPolicy = findPolicy(stack, 'aws_s3_bucket_policy', 'policy', (b) => b.provider === 'aws.tenant');
    await check(`${label}: ${yId}'s administrator reads the bucket`, decide({ principal: yAdmin, action: 's3:GetObject', resource: `${bucket}/${X.id}/files/a`, resourceAccount: X.account, context: fromY }, { identity: [ALLOW_ALL], resource: bucketPolicy }), 'denied');
    await check(
      `${label}: ${yId}'s administrator reads the table`,
      decide({ principal: yAdmin, action: 'dynamodb:Query', resource: `arn:aws:dynamodb:${X.profile.region}:${X.account}:table/${X.profile.data.itemsTable}`, resourceAccount: X.account, context: fromY }, { identity: [ALLOW_ALL] }),
      'denied',
    );
    for (const type of ['aws_kms_key', 'aws_kms_external_key']) {
      for (const [name, key] of Object.entries(resources(stack, type))) {
        const keyPolicy = findPolicy(stack, type, 'policy', (b) => b === key);
        const arn = `arn:aws:kms:${X.profile.region}:${X.account}:key/11111111-2222-3333-4444-555555555555`;
        await check(`${label}: ${yId}'s administrator decrypts with ${type}.${name}`, decide({ principal: yAdmin, action: 'kms:Decrypt', resource: arn, resourceAccount: X.account, context: fromY }, { identity: [ALLOW_ALL], resource: keyPolicy }), 'denied');
      }
    }
    const busPolicies = Object.values(resources(stack, 'aws_cloudwatch_event_bus_policy'));
    if (busPolicies.length > 0) {
      const busPolicy = findPolicy(stack, 'aws_cloudwatch_event_bus_policy', 'policy', () => true);
      const put = (principal: string, account: string) =>
        decide({ principal, action: 'events:PutEvents', resource: `arn:aws:events:${X.profile.region}:${X.account}:event-bus/x`, resourceAccount: X.account, context: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': account } }, { identity: [ALLOW_ALL], resource: busPolicy });
      await check(`${label}: ${yId}'s administrator puts events on the tenant bus`, put(yAdmin, yAccount), 'denied');
    }
  }

  // Pooled data: the platform's data-access role, one session per pooled tenant.
  const platformStack = result.stacks.some((s) => s.spec.name === 'platform') ? stackJson(result, 'platform') : undefined;
  if (platformStack && pooled.length > 0) {
    const policy = inlinePolicyOfRole(platformStack, platform.dataAccessRole);
    const table = `arn:aws:dynamodb:${settings.regions.home}:${PLATFORM}:table/${platform.itemsTable}`;
    for (const [i, T] of pooled.entries()) {
      const other = pooled.length > 1 ? pooled[(i + 1) % pooled.length].id : 'foreign';
      const get = (keys: string[]) =>
        decide({ principal: `arn:aws:sts::${PLATFORM}:assumed-role/${platform.dataAccessRole}/tenant-${T.id}`, action: 'dynamodb:GetItem', resource: table, resourceAccount: PLATFORM, context: { 'aws:PrincipalTag/TenantId': T.id, 'dynamodb:LeadingKeys': keys } }, { identity: [policy] });
      await check(`pooled tenant ${T.id}: its session reads its partition`, get([T.id]), 'Allowed');
      await check(`pooled tenant ${T.id}: its session reads ${other}'s partition`, get([other]), 'denied');
    }
  }

  // Event routing: every rule on the central bus, from every tenant stack, with its target.
  const routes = parties.flatMap((p) => {
    if (!p.stack) return [];
    const targets = Object.values(resources(p.stack, 'aws_cloudwatch_event_target'));
    return Object.entries(resources(p.stack, 'aws_cloudwatch_event_rule'))
      .filter(([, r]) => r.event_bus_name === platform.centralBus)
      .map(([key, r]) => ({ tenant: p.id, pattern: JSON.parse(r.event_pattern), target: targets.find((x) => x.rule === `\${aws_cloudwatch_event_rule.${key}.name}`)?.arn as string | undefined }));
  });
  const event = (account: string, tenantId: string) => ({ source: 'saas.platform', 'detail-type': 'ItemChanged', account, region: settings.regions.home, detail: { tenantId } });
  const destinations = (e: Record<string, unknown>) => routes.filter((r) => matchesPattern(e, r.pattern)).map((r) => r.target ?? '(no target)').sort();
  const queue = (id: string) => `arn:aws:sqs:${settings.regions.home}:${PLATFORM}:${tenantNames(settings, id).eventsQueue}`;
  const tenantBus = (p: Party) => `arn:aws:events:${p.profile.region}:${p.account}:event-bus/${tenantNames(settings, p.id).tenantBus}`;
  const sameList = (what: string, got: string[], want: string[]) => {
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(want)) violations.push(`${what}: reaches ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  for (const [i, p] of parties.entries()) {
    const routed = p.profile.access.eventRouting;
    const neighbour = parties[(i + 1) % parties.length].id;
    if (p.profile.dedicated) {
      for (const claimed of [p.id, neighbour, 'someone-else']) sameList(`an event from ${p.id}'s account claiming tenant ${claimed}`, destinations(event(p.account, claimed)), routed ? [queue(p.id)] : []);
      sameList(`a platform event for ${p.id}`, destinations(event(PLATFORM, p.id)), routed ? [tenantBus(p)] : []);
    } else {
      sameList(`a platform event for pooled tenant ${p.id}`, destinations(event(PLATFORM, p.id)), routed ? [queue(p.id)] : []);
    }
  }
  sameList('an event from an account outside the landing zone', destinations(event(FOREIGN_ACCOUNT, parties[0]?.id ?? 'x')), []);
  return { checked, violations };
}
