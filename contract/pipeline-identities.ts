import { ConditionBlock, policyDocument, PolicyDocument, PolicyStatement } from './policy-document';
import {
  FOOTPRINT_API_KEY_ACTIONS,
  FOOTPRINT_API_KEY_CREATE_ACTIONS,
  FOOTPRINT_QUEUE_ACTIONS,
  FOOTPRINT_REGISTRY_ITEM_ACTIONS,
  FOOTPRINT_REGISTRY_TABLE_ACTIONS,
  FOOTPRINT_RULE_ACTIONS,
  FOOTPRINT_USER_ACTIONS,
  ITEM_READ_ACTIONS,
  ORGANIZATIONS_AUDIT_ACTIONS,
  PLAN_DENIED_READS,
  PLAN_READ_ACTIONS,
  STATE_KEY_ACTIONS,
  STATE_LIST_ACTIONS,
  STATE_READ_ACTIONS,
  STATE_WRITE_ACTIONS,
} from './pipeline-perms';

/**
 * The pipeline's identities as policies, one builder per intent. GitHub Actions signs in to
 * roles in the management account through OIDC:
 *
 * | role (management account) | GitHub `sub` it trusts | may assume | state |
 * |---|---|---|---|
 * | plan (`roles.pipelinePlan`) | pull requests; the main branch (drift, affected) | the read-only plan role in every account | read; lock objects only |
 * | apply (`roles.pipeline`) | the main branch | the deployment role in every account | read and write |
 * | L3 tenant apply (`<lz>-<id>-pipeline-apply`) | the tenant's environment `tenant-<id>` | the tenant account's deployment role, its footprint role in the platform account | its own tenant stack |
 *
 * Every trust names the repository exactly (never a wildcard) and requires the STS audience.
 */
export const GITHUB_OIDC = {
  /** Issuer of GitHub Actions' OIDC tokens. */
  url: 'https://token.actions.githubusercontent.com',
  host: 'token.actions.githubusercontent.com',
  /** The audience aws-actions/configure-aws-credentials asks for. */
  audience: 'sts.amazonaws.com',
} as const;

export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC.host}`;
}

const WILDCARD = /[*?]/;

function exact(what: string, value: string): string {
  if (!value || WILDCARD.test(value)) throw new Error(`${what} must be exact (no "*" or "?"): got "${value}"`);
  return value;
}

/** GitHub's `sub` claim for the workflow contexts the landing zone trusts. */
export const githubSubject = {
  /** A workflow run for a pull request (`on: pull_request`). */
  pullRequest: (repository: string) => `repo:${exact('repository', repository)}:pull_request`,
  /** A job on a branch without an environment (push, schedule, dispatch). */
  branch: (repository: string, branch: string) => `repo:${exact('repository', repository)}:ref:refs/heads/${exact('branch', branch)}`,
  /** A job that runs in a deployment environment (after its protection rules). */
  environment: (repository: string, environment: string) => `repo:${exact('repository', repository)}:environment:${exact('environment', environment)}`,
};

export interface GithubTrustProps {
  /** The OIDC provider of the management account. */
  readonly providerArn: string;
  /** The exact `sub` values (githubSubject) allowed to sign in. */
  readonly subjects: ReadonlyArray<string>;
}

/** Trust of a role GitHub Actions signs in to: the STS audience and exactly these subjects. */
export function githubWorkflowTrust(props: GithubTrustProps): PolicyDocument {
  if (props.subjects.length === 0) throw new Error('githubWorkflowTrust: name at least one subject');
  props.subjects.forEach((s) => exact('subject', s));
  return policyDocument({
    Sid: 'GitHubActionsOnly',
    Effect: 'Allow',
    Principal: { Federated: props.providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
        [`${GITHUB_OIDC.host}:sub`]: props.subjects.length === 1 ? props.subjects[0] : [...props.subjects],
      },
    },
  });
}

/** Trust of a role in an account: only these named roles (of the organization) may assume it. */
export function pipelineRoleTrust(props: { readonly principalArns: ReadonlyArray<string>; readonly organizationId: string }): PolicyDocument {
  return policyDocument({
    Sid: 'NamedPipelineRolesOnly',
    Effect: 'Allow',
    Principal: { AWS: [...props.principalArns] },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
  });
}

/** Assume the role called `roleName` in any account of the organization. */
export function assumeRoleInOrganization(sid: string, roleName: string, organizationId: string): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${exact('role name', roleName)}`, Condition: { StringEquals: { 'aws:ResourceOrgID': organizationId } } };
}

/** Assume exactly these roles. */
export function assumeNamedRoles(sid: string, roleArns: ReadonlyArray<string>): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...roleArns] };
}

export interface StateAccessProps {
  readonly bucket: string;
  /** Object keys or key patterns (`tenants/*`). */
  readonly keys: ReadonlyArray<string>;
}

const objectArns = (bucket: string, keys: ReadonlyArray<string>) => keys.map((k) => `arn:aws:s3:::${bucket}/${k}`);

export function stateList(bucket: string): PolicyStatement {
  return { Sid: 'ListStateBucket', Effect: 'Allow', Action: [...STATE_LIST_ACTIONS], Resource: `arn:aws:s3:::${bucket}` };
}

export function stateRead(props: StateAccessProps): PolicyStatement {
  return { Sid: 'ReadState', Effect: 'Allow', Action: [...STATE_READ_ACTIONS], Resource: objectArns(props.bucket, props.keys) };
}

export function stateWrite(props: StateAccessProps): PolicyStatement {
  return { Sid: 'WriteState', Effect: 'Allow', Action: [...STATE_WRITE_ACTIONS], Resource: objectArns(props.bucket, props.keys) };
}

/** S3 native locking: the lock object `<key>.tflock` beside each state, and nothing else. */
export function stateLockObjects(bucket: string): PolicyStatement {
  return { Sid: 'StateLockObjectsOnly', Effect: 'Allow', Action: [...STATE_WRITE_ACTIONS, ...STATE_READ_ACTIONS], Resource: `arn:aws:s3:::${bucket}/*.tflock` };
}

/** The state bucket's key, only through S3 in the state region, found by its alias. */
export function stateKeyThroughS3(props: { readonly keyAlias: string; readonly region: string }): PolicyStatement {
  return {
    Sid: 'StateKeyThroughS3',
    Effect: 'Allow',
    Action: [...STATE_KEY_ACTIONS],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [props.keyAlias] } },
  };
}

export function organizationsAuditRead(): PolicyStatement {
  return { Sid: 'OrganizationsAuditRead', Effect: 'Allow', Action: [...ORGANIZATIONS_AUDIT_ACTIONS], Resource: '*' };
}

/**
 * The read-only plan role of an account: describe, list and get, but no tenant data items or
 * objects (explicit denies), no single-item reads except on the tenant registries, and no write.
 */
export function planReadOnly(props: { readonly registryTablePatterns: ReadonlyArray<string> }): PolicyStatement[] {
  return [
    { Sid: 'ReadConfiguration', Effect: 'Allow', Action: [...PLAN_READ_ACTIONS], Resource: '*' },
    { Sid: 'NoTenantData', Effect: 'Deny', Action: [...PLAN_DENIED_READS], Resource: '*' },
    { Sid: 'NoItemsButRegistryEntries', Effect: 'Deny', Action: [...ITEM_READ_ACTIONS], NotResource: [...props.registryTablePatterns] },
  ];
}

export interface FootprintProps {
  readonly tenantId: string;
  /** The platform account and home region. */
  readonly accountId: string;
  readonly region: string;
  readonly registryTable: string;
  readonly queueName: string;
  readonly busName: string;
  readonly ruleName: string;
  readonly tagKey: string;
}

/**
 * What an L3 tenant's stack manages in the shared platform account, and nothing else: its
 * registry entry (its partition key only), its event queue and its rule on the central bus
 * (exact names: a tenant id may be a prefix of another's), API keys tagged with its id, and its
 * admin user in the platform user pool. The user pool and usage plans cannot be scoped to a
 * tenant by IAM; the README says so.
 */
export function tenantFootprint(props: FootprintProps): PolicyStatement[] {
  const { accountId: a, region: r } = props;
  const tag = (kind: 'Request' | 'Resource'): ConditionBlock => ({ StringEquals: { [`aws:${kind}Tag/${props.tagKey}`]: props.tenantId } });
  return [
    {
      Sid: 'OwnRegistryEntry',
      Effect: 'Allow',
      Action: [...FOOTPRINT_REGISTRY_ITEM_ACTIONS],
      Resource: `arn:aws:dynamodb:${r}:${a}:table/${props.registryTable}`,
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [props.tenantId] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
    },
    { Sid: 'RegistryTable', Effect: 'Allow', Action: [...FOOTPRINT_REGISTRY_TABLE_ACTIONS], Resource: `arn:aws:dynamodb:${r}:${a}:table/${props.registryTable}` },
    { Sid: 'OwnEventQueue', Effect: 'Allow', Action: [...FOOTPRINT_QUEUE_ACTIONS], Resource: `arn:aws:sqs:${r}:${a}:${props.queueName}` },
    { Sid: 'OwnCentralBusRule', Effect: 'Allow', Action: [...FOOTPRINT_RULE_ACTIONS], Resource: `arn:aws:events:${r}:${a}:rule/${props.busName}/${props.ruleName}` },
    { Sid: 'CreateOwnApiKey', Effect: 'Allow', Action: [...FOOTPRINT_API_KEY_CREATE_ACTIONS], Resource: `arn:aws:apigateway:${r}::/apikeys`, Condition: tag('Request') },
    { Sid: 'OwnApiKey', Effect: 'Allow', Action: [...FOOTPRINT_API_KEY_ACTIONS], Resource: [`arn:aws:apigateway:${r}::/apikeys/*`, `arn:aws:apigateway:${r}::/tags/*`], Condition: tag('Resource') },
    { Sid: 'UsagePlanKeys', Effect: 'Allow', Action: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'], Resource: [`arn:aws:apigateway:${r}::/usageplans/*/keys`, `arn:aws:apigateway:${r}::/usageplans/*/keys/*`] },
    { Sid: 'AdminUserInPlatformPool', Effect: 'Allow', Action: [...FOOTPRINT_USER_ACTIONS], Resource: `arn:aws:cognito-idp:${r}:${a}:userpool/*` },
  ];
}

export interface StateBucketLimitsProps {
  readonly bucketArn: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  /** ARN pattern of the L3 tenant apply roles (their TenantId tag names their prefix). */
  readonly tenantApplyRolePattern: string;
  readonly tagKey: string;
  /** Keys every stack's state lives under (`shared/*`, `tenants/*`). */
  readonly stateKeys: ReadonlyArray<string>;
  /** Keys of the platform stack a tenant stack reads (its state and its marker). */
  readonly platformReadKeys: ReadonlyArray<string>;
  /** Key pattern of a tenant's prefix, with `${tenant}` where its id goes. */
  readonly tenantPrefix: (tenant: string) => string;
  /** Keys of the tenant stack under that prefix (state, lock, marker), with `${tenant}`. */
  readonly tenantStackKeys: (tenant: string) => ReadonlyArray<string>;
}

const principalIs = (op: 'ArnEquals' | 'ArnLike', arn: string): ConditionBlock => ({ [op]: { 'aws:PrincipalArn': arn } });

/**
 * The state bucket names each pipeline role with only the keys it needs (denies, so that no
 * identity policy can widen them): the plan role writes lock objects only; the apply role
 * stays under the state prefixes; an L3 tenant's apply role reads its own prefix and the
 * platform stack's state, and writes only its tenant stack's objects.
 */
export function stateBucketRoleLimits(p: StateBucketLimitsProps): PolicyStatement[] {
  const objects = (keys: ReadonlyArray<string>) => keys.map((k) => `${p.bucketArn}/${k}`);
  const own = `\${aws:PrincipalTag/${p.tagKey}}`;
  return [
    { Sid: 'PlanRoleWritesLockObjectsOnly', Effect: 'Deny', Principal: '*', Action: [...STATE_WRITE_ACTIONS], NotResource: `${p.bucketArn}/*.tflock`, Condition: principalIs('ArnEquals', p.planRoleArn) },
    { Sid: 'ApplyRoleStateKeysOnly', Effect: 'Deny', Principal: '*', Action: [...STATE_READ_ACTIONS, ...STATE_WRITE_ACTIONS], NotResource: objects(p.stateKeys), Condition: principalIs('ArnEquals', p.applyRoleArn) },
    {
      Sid: 'TenantApplyRolesReadOwnPrefix',
      Effect: 'Deny',
      Principal: '*',
      Action: [...STATE_READ_ACTIONS],
      NotResource: [`${p.bucketArn}/${p.tenantPrefix(own)}`, ...objects(p.platformReadKeys)],
      Condition: principalIs('ArnLike', p.tenantApplyRolePattern),
    },
    { Sid: 'TenantApplyRolesWriteOwnStack', Effect: 'Deny', Principal: '*', Action: [...STATE_WRITE_ACTIONS], NotResource: objects(p.tenantStackKeys(own)), Condition: principalIs('ArnLike', p.tenantApplyRolePattern) },
  ];
}
