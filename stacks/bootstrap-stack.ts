import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import {
  assumeRoleInOrganization,
  GITHUB_OIDC,
  githubOidcProviderArn,
  githubSubject,
  githubWorkflowTrust,
  organizationsAuditRead,
  stateBucketRoleLimits,
  stateKeyThroughS3,
  stateList,
  stateLockObjects,
  stateRead,
  stateWrite,
} from '../contract/pipeline-identities';
import { STATE_KEY_ACTIONS } from '../contract/pipeline-perms';
import { appliedMarkerKey, PLATFORM_STATE_KEY, SHARED_STATE_PREFIX, stackObjectKeys, TENANTS_STATE_PREFIX, tenantStateKey, tenantStatePrefix } from '../model/inventory';
import { platformNames } from '../model/names';
import { TENANT_TAG_KEYS } from '../model/tags';
import { AccountPipelineRoles } from '../modules/iam/account-pipeline-roles';
import { Role } from '../modules/iam/role';
import { CustomerManagedKey } from '../modules/kms/customer-managed-key';
import { SecureBucket } from '../modules/secure-bucket';
import { LandingZoneStack, LandingZoneStackProps } from './landing-zone-stack';

/** Output names the README's first run and the workflows' variables refer to. */
export const BOOTSTRAP_OUTPUTS = {
  planRoleArn: 'pipeline_plan_role_arn',
  applyRoleArn: 'pipeline_apply_role_arn',
  oidcProviderArn: 'github_oidc_provider_arn',
} as const;

/** Every stack's state lives under these keys. */
export const STATE_KEY_PATTERNS = [`${SHARED_STATE_PREFIX}*`, `${TENANTS_STATE_PREFIX}*`];

/**
 * The state bucket and the pipeline's identities, in the management account (and its roles in
 * the platform account):
 *
 * - the state bucket with its own KMS key; its policy names each pipeline role with only the
 *   keys it needs;
 * - the GitHub OIDC provider and the two roles GitHub Actions signs in to: the plan role
 *   (pull requests and the main branch; reads state, writes lock objects only, assumes the
 *   read-only plan roles) and the apply role (the main branch only; reads and writes state,
 *   assumes the deployment roles);
 * - in the management and platform accounts, the deployment role (trusted by the apply role
 *   only) and the read-only plan role (trusted by the plan role only).
 *
 * Its first apply runs with `lz synth --bootstrap-local-state` and an administrator's own
 * credentials (state in .lz/bootstrap.tfstate; the platform account through
 * `roles.organizationAccess`); after that its state moves into the bucket it created
 * (`terraform init -migrate-state`) and the apply workflow takes over.
 */
export class BootstrapStack extends LandingZoneStack {
  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props);
    const { organization, state, roles, pipeline } = this.settings;
    const management = organization.managementAccountId;
    const platform = organization.platformAccountId;
    const firstRun = props.localState === true;
    const names = platformNames(this.settings);
    const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
    const bucket = names.stateBucket(state.bucket);

    this.awsProvider('aws', { accountId: management, region: state.region, ...(firstRun ? { identity: 'caller' as const } : {}) });
    const platformProvider = this.awsProvider('platform', { alias: 'platform', accountId: platform, region: state.region, ...(firstRun ? { identity: { fixedRole: roles.organizationAccess } } : {}) });

    const oidc = new IamOpenidConnectProvider(this, 'github-oidc', { url: GITHUB_OIDC.url, clientIdList: [GITHUB_OIDC.audience] });
    const providerArn = githubOidcProviderArn(management);
    const keyUse = stateKeyThroughS3({ keyAlias: names.stateKeyAlias, region: state.region });

    const planEntry = new Role(this, 'pipeline-plan', {
      roleName: roles.pipelinePlan,
      trustPolicy: githubWorkflowTrust({ providerArn, subjects: [githubSubject.pullRequest(pipeline.repository), githubSubject.branch(pipeline.repository, pipeline.branch)] }),
      statements: [
        assumeRoleInOrganization('AssumePlanRoles', roles.plan, organization.id),
        stateList(bucket),
        stateRead({ bucket, keys: STATE_KEY_PATTERNS }),
        stateLockObjects(bucket),
        keyUse,
        organizationsAuditRead(),
      ],
      dependsOn: [oidc],
    });
    const applyEntry = new Role(this, 'pipeline-apply', {
      roleName: roles.pipeline,
      trustPolicy: githubWorkflowTrust({ providerArn, subjects: [githubSubject.branch(pipeline.repository, pipeline.branch)] }),
      statements: [
        assumeRoleInOrganization('AssumeDeploymentRoles', roles.deployment, organization.id),
        stateList(bucket),
        stateRead({ bucket, keys: STATE_KEY_PATTERNS }),
        stateWrite({ bucket, keys: STATE_KEY_PATTERNS }),
        keyUse,
      ],
      dependsOn: [oidc],
    });
    const entryRoles = [planEntry.role, applyEntry.role];
    const accountRoles = (account: string) => ({
      accountId: account,
      organizationId: organization.id,
      plan: { roleName: roles.plan, trustedBy: [roleArn(management, roles.pipelinePlan)] },
      registryTablePatterns: [`arn:aws:dynamodb:*:${account}:table/${names.registryTable}`],
      dependsOn: entryRoles,
    });
    const managementRoles = new AccountPipelineRoles(this, 'management-roles', {
      ...accountRoles(management),
      deployment: { roleName: roles.deployment, trustedBy: [roleArn(management, roles.pipeline)] },
    });
    new AccountPipelineRoles(this, 'platform-roles', {
      ...accountRoles(platform),
      // The guardrail SCP protects the platform account's deployment role: once created, only
      // break-glass changes it, so a change of the common tags must not try to.
      deployment: { roleName: roles.deployment, trustedBy: [roleArn(management, roles.pipeline)], ignoreChanges: ['tags', 'tags_all'] },
      provider: platformProvider,
    });

    const key = new CustomerManagedKey(this, 'state-key', {
      description: 'Encrypts the landing-zone Terraform state',
      alias: names.stateKeyAlias,
      administrators: [roleArn(management, roles.deployment), roleArn(management, roles.breakGlass)],
      // The pipeline roles read and write state through S3; the deployment role only manages the key.
      users: [{ principals: [roleArn(management, roles.pipeline), roleArn(management, roles.pipelinePlan)], via: ['s3'] }],
      readers: [roleArn(management, roles.plan)],
      // L3 tenants' apply roles are created later by their account stacks.
      serviceScopedUsers: [{ accountId: management, principalArnPattern: roleArn(management, names.tenantApplyRolePattern), viaService: `s3.${state.region}.amazonaws.com`, actions: [...STATE_KEY_ACTIONS] }],
      organizationId: organization.id,
      accountId: management,
      region: state.region,
      dependsOn: [...entryRoles, managementRoles.deploymentRole!.role, managementRoles.planRole.role],
      // The first run's administrator is neither key administrator nor user.
      bypassPolicyLockoutSafetyCheck: firstRun,
    });
    new SecureBucket(this, 'state-bucket', {
      bucketName: bucket,
      kmsKeyArn: key.keyArn,
      noncurrentVersionExpirationDays: 365,
      policyStatements: (arn) => [
        {
          Sid: 'DenyOutsideOrganization',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': organization.id } },
        },
        ...stateBucketRoleLimits({
          bucketArn: arn,
          planRoleArn: roleArn(management, roles.pipelinePlan),
          applyRoleArn: roleArn(management, roles.pipeline),
          tenantApplyRolePattern: roleArn(management, names.tenantApplyRolePattern),
          tagKey: TENANT_TAG_KEYS[0],
          stateKeys: STATE_KEY_PATTERNS,
          platformReadKeys: [PLATFORM_STATE_KEY, appliedMarkerKey(PLATFORM_STATE_KEY)],
          tenantPrefix: (tenant) => `${tenantStatePrefix(tenant)}*`,
          tenantStackKeys: (tenant) => stackObjectKeys(tenantStateKey(tenant)),
        }),
      ],
    });

    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.oidcProviderArn, { value: oidc.arn, description: 'GitHub Actions OIDC provider' });
    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.planRoleArn, { value: planEntry.arn, description: 'Repository variable LZ_PLAN_ROLE_ARN: pull requests, drift' });
    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.applyRoleArn, { value: applyEntry.arn, description: 'Repository variable LZ_APPLY_ROLE_ARN: the apply workflow on the main branch' });
  }
}
