import { ConditionBlock, policyDocument, PolicyDocument, PolicyStatement } from './policy-document';
import { KEY_ADMIN_ACTIONS, KEY_GRANT_ACTIONS, KEY_READ_ACTIONS, KEY_SERVICE_ACTIONS, KEY_USE_ACTIONS } from './kms-perms';

export interface ServiceKeyUse {
  /** Service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly service: string;
  /** Conditions that scope the service's use (encryption context, source account). */
  readonly conditions?: ConditionBlock;
  /** @default KEY_SERVICE_ACTIONS */
  readonly actions?: ReadonlyArray<string>;
}

/** AWS services through which IAM principals use a key on their own behalf (kms:ViaService). */
export type KeyUseService = 'dynamodb' | 's3' | 'backup';

/**
 * IAM principals that use the key, and the only services through which they may: every key use
 * is conditioned on `kms:ViaService` and `kms:CallerAccount`, so a session that holds the role
 * cannot call KMS directly (decrypt a ciphertext it copied elsewhere, encrypt with the key for
 * its own ends).
 */
export interface KeyUser {
  readonly principals: ReadonlyArray<string>;
  readonly via: ReadonlyArray<KeyUseService>;
}

export interface KeyPolicyProps {
  /** Principals that manage the key but cannot use it for cryptography. */
  readonly administrators: ReadonlyArray<string>;
  /** Principals that use the key through the named services (and get grants for AWS resources), but cannot manage it. */
  readonly users: ReadonlyArray<KeyUser>;
  /** Principals that read the key's configuration only (the read-only plan role: Terraform refreshes the key). @default none */
  readonly readers?: ReadonlyArray<string>;
  /** AWS services that encrypt with the key on the account's behalf. @default none */
  readonly services?: ReadonlyArray<ServiceKeyUse>;
  /** Organization id: principals outside it are denied everything. */
  readonly organizationId: string;
  /** The key's account: the only caller account its users may use it from (kms:CallerAccount). */
  readonly accountId: string;
  /** The key's region: users reach it through the services' endpoints of this region. */
  readonly region: string;
  /**
   * Roles of an account, by ARN pattern, that use the key only through one AWS service (roles
   * created later by other stacks, which a key policy cannot name before they exist).
   * @default none
   */
  readonly serviceScopedUsers?: ReadonlyArray<ServiceScopedKeyUse>;
}

export interface ServiceScopedKeyUse {
  readonly accountId: string;
  /** `arn:aws:iam::<account>:role/<pattern>`. */
  readonly principalArnPattern: string;
  /** E.g. `s3.eu-west-1.amazonaws.com`. */
  readonly viaService: string;
  readonly actions: ReadonlyArray<string>;
}

/** `kms:ViaService` value of a service's endpoint in a region. */
export function viaService(service: KeyUseService, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

/**
 * The statements that let key users reach a key only through AWS services: one per set of
 * services, conditioned on `kms:ViaService` and `kms:CallerAccount`. Shared by the landing
 * zone's key policies and the statements a BYOK customer adds to its own key.
 *
 * What each service needs, per AWS:
 * - DynamoDB with a customer managed key: the principals that use the table need Encrypt,
 *   Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey and CreateGrant on the key, through
 *   DynamoDB (AWS's example key policy conditions them on kms:ViaService and kms:CallerAccount);
 *   DynamoDB then works with a grant for the table.
 *   @see https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html
 * - S3 with SSE-KMS: the caller's own kms:GenerateDataKey to upload and kms:Decrypt to download.
 *   @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 * - AWS Backup: the backup role uses the source resources' keys through the services it backs up,
 *   and creates grants for the recovery points.
 *   @see https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html
 */
export function keyUseStatements(users: ReadonlyArray<KeyUser>, opts: { readonly accountId: string; readonly region: string; readonly sidPrefix?: string }): PolicyStatement[] {
  const prefix = opts.sidPrefix ?? 'KeyUse';
  const statements: PolicyStatement[] = [];
  const bySet = new Map<string, { via: KeyUseService[]; principals: string[] }>();
  for (const user of users) {
    const via = [...new Set(user.via)].sort();
    if (via.length === 0) throw new Error(`keyUseStatements: ${user.principals.join(', ')} must name at least one service to use the key through`);
    const key = via.join('+');
    const entry = bySet.get(key) ?? { via, principals: [] };
    entry.principals.push(...user.principals.filter((p) => !entry.principals.includes(p)));
    bySet.set(key, entry);
  }
  for (const { via, principals } of bySet.values()) {
    const through = via.map((s) => s[0].toUpperCase() + s.slice(1)).join('And');
    statements.push({
      Sid: `${prefix}Through${through}`,
      Effect: 'Allow',
      Principal: { AWS: principals },
      Action: [...KEY_USE_ACTIONS],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': via.map((s) => viaService(s, opts.region)), 'kms:CallerAccount': opts.accountId } },
    });
  }
  const all = [...new Set(users.flatMap((u) => u.principals))];
  if (all.length > 0) {
    statements.push({
      Sid: `${prefix}GrantsForAwsResources`,
      Effect: 'Allow',
      Principal: { AWS: all },
      Action: [...KEY_GRANT_ACTIONS],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: { 'kms:CallerAccount': opts.accountId } },
    });
  }
  return statements;
}

/**
 * A key policy with key administrators and key users separated: nobody holds both roles and
 * there is no account-root statement that would hand the key to any IAM principal with
 * `kms:*`. Users reach the key only through the AWS services named for them (a service-scoped
 * use names the account only with a role pattern and one service). Principals outside the
 * organization are denied outright.
 */
export function keyPolicy(props: KeyPolicyProps): PolicyDocument {
  const userPrincipals = props.users.flatMap((u) => u.principals);
  const overlap = props.administrators.filter((a) => userPrincipals.includes(a));
  if (overlap.length > 0) throw new Error(`keyPolicy: ${overlap.join(', ')} cannot be both key administrator and key user`);
  if (props.administrators.length === 0) throw new Error('keyPolicy: administrators must name at least one principal (else the key cannot be managed)');
  const statements: PolicyStatement[] = [
    { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [...props.administrators] }, Action: [...KEY_ADMIN_ACTIONS], Resource: '*' },
    ...keyUseStatements(props.users, { accountId: props.accountId, region: props.region }),
  ];
  if (props.readers && props.readers.length > 0) {
    statements.push({ Sid: 'KeyConfigurationRead', Effect: 'Allow', Principal: { AWS: [...props.readers] }, Action: [...KEY_READ_ACTIONS], Resource: '*' });
  }
  (props.serviceScopedUsers ?? []).forEach((u, i) => {
    if (!u.principalArnPattern.startsWith(`arn:aws:iam::${u.accountId}:role/`)) throw new Error(`keyPolicy: serviceScopedUsers[${i}] must name roles of account ${u.accountId}; got ${u.principalArnPattern}`);
    statements.push({
      Sid: `KeyUseThroughService${i}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${u.accountId}:root` },
      Action: [...u.actions],
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': u.principalArnPattern }, StringEquals: { 'kms:ViaService': u.viaService, 'kms:CallerAccount': u.accountId } },
    });
  });
  (props.services ?? []).forEach((s, i) => {
    statements.push({
      Sid: `ServiceUse${i}`,
      Effect: 'Allow',
      Principal: { Service: s.service },
      Action: [...(s.actions ?? KEY_SERVICE_ACTIONS)],
      Resource: '*',
      ...(s.conditions ? { Condition: s.conditions } : {}),
    });
  });
  statements.push({
    Sid: 'DenyOutsideOrganization',
    Effect: 'Deny',
    Principal: '*',
    Action: 'kms:*',
    Resource: '*',
    Condition: {
      StringNotEquals: { 'aws:PrincipalOrgID': props.organizationId },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  });
  return policyDocument(...statements);
}
