/**
 * The AWS side of `lz migrate`, from the credentials the pipeline signs in with (the pipeline
 * role of the management account):
 *
 * - the migration role of the platform account (assumed): the registry's entries and migration
 *   records, tenant-scoped sessions of data-access roles (tagged `TenantId`), the shared pool;
 * - a tenant's deployment role (assumed), for its own user pool during a users move;
 * - the state bucket (directly): Terraform outputs (user pool ids), and the evidence documents.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TenantRegistry } from '../functions/shared/registry';
import { TenantSessions, type TenantCredentials } from '../functions/shared/tenant-session';
import { accountStateKey, tenantStateKey, sharedStacks, PLATFORM_STACK } from '../model/inventory';
import { platformNames } from '../model/names';
import { LandingZoneSettings } from '../model/schema/settings';
import { TenantManifest } from '../model/schema/tenant';
import { s3EvidenceStore } from './evidence';
import { MoveRecords } from './records';
import type { MigrationServices } from './run';

/** Credentials of an assumed role, renewed a minute before they expire. */
export function assumedRole(sts: STSClient, roleArn: string, sessionName: string): () => Promise<TenantCredentials> {
  let current: TenantCredentials | undefined;
  return async () => {
    if (current && current.expiration.getTime() - 60_000 > Date.now()) return current;
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64), DurationSeconds: 3600 }));
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error(`AssumeRole on ${roleArn} returned no usable credentials`);
    current = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    return current;
  };
}

/** Outputs of a stack, from its state in the state bucket. */
export async function stateOutputs(s3: S3Client, bucket: string, key: string): Promise<Record<string, unknown>> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const state = JSON.parse(await out.Body!.transformToString('utf-8')) as { outputs?: Record<string, { value: unknown }> };
    return Object.fromEntries(Object.entries(state.outputs ?? {}).map(([k, v]) => [k, v?.value]));
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') throw new Error(`no state at s3://${bucket}/${key}: apply the stack first`);
    throw e;
  }
}

export function awsMigrationServices(settings: LandingZoneSettings, opts: { progress?: (line: string) => void } = {}): MigrationServices {
  const region = settings.regions.home;
  const names = platformNames(settings);
  const base = new STSClient({ region });
  const migrationRole = assumedRole(base, `arn:aws:iam::${settings.organization.platformAccountId}:role/${names.migrationRole}`, 'lz-migrate');
  const registryClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials: migrationRole }), { marshallOptions: { removeUndefinedValues: true } });
  const state = new S3Client({ region: settings.state.region });
  const sharedPool = new CognitoIdentityProviderClient({ region, credentials: migrationRole });
  const platformKey = sharedStacks().find((s) => s.name === PLATFORM_STACK)!.stateKey;
  return {
    deps: {
      records: new MoveRecords(registryClient, names.registryTable),
      registry: new TenantRegistry({ client: registryClient, tableName: names.registryTable, ttlMs: 0 }),
      access: { sessions: new TenantSessions({ sts: new STSClient({ region, credentials: migrationRole }) }) },
      progress: opts.progress,
    },
    async pools(tenant: TenantManifest) {
      const platform = await stateOutputs(state, settings.state.bucket, platformKey);
      const own = await stateOutputs(state, settings.state.bucket, tenantStateKey(tenant.id));
      const accountId = tenant.account?.id ?? String((await stateOutputs(state, settings.state.bucket, accountStateKey(tenant.id))).account_id);
      if (typeof own.own_user_pool_id !== 'string') throw new Error(`tenant-${tenant.id} has no own user pool in its state yet: apply its stacks first`);
      const deployment = assumedRole(base, `arn:aws:iam::${accountId}:role/${settings.roles.deployment}`, `lz-migrate-${tenant.id}`);
      return {
        source: { client: sharedPool, userPoolId: String(platform.user_pool_id) },
        target: { client: new CognitoIdentityProviderClient({ region: tenant.homeRegion, credentials: deployment }), userPoolId: own.own_user_pool_id },
      };
    },
    evidence: s3EvidenceStore(state, settings.state.bucket),
  };
}
