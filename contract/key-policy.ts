import { ConditionBlock, policyDocument, PolicyDocument, PolicyStatement } from './policy-document';
import { KEY_ADMIN_ACTIONS, KEY_ENCRYPT_DECRYPT_ACTIONS, KEY_GRANT_ACTIONS, KEY_READ_ACTIONS, KEY_SERVICE_ACTIONS } from './kms-perms';

export interface ServiceKeyUse {
  /** Service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly service: string;
  /** Conditions that scope the service's use (encryption context, source account). */
  readonly conditions?: ConditionBlock;
  /** @default KEY_SERVICE_ACTIONS */
  readonly actions?: ReadonlyArray<string>;
}

export interface KeyPolicyProps {
  /** Principals that manage the key but cannot use it for cryptography. */
  readonly administrators: ReadonlyArray<string>;
  /** Principals that use the key (encrypt, decrypt, grants for AWS resources) but cannot manage it. */
  readonly users: ReadonlyArray<string>;
  /** Principals that read the key's configuration only (the read-only plan role: Terraform refreshes the key). @default none */
  readonly readers?: ReadonlyArray<string>;
  /** AWS services that encrypt with the key on the account's behalf. @default none */
  readonly services?: ReadonlyArray<ServiceKeyUse>;
  /** Organization id: principals outside it are denied everything. */
  readonly organizationId: string;
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

/**
 * A key policy with key administrators and key users separated: nobody holds both roles and
 * there is no account-root statement that would hand the key to any IAM principal with
 * `kms:*` (a service-scoped use names the account only with a role pattern and one service).
 * Principals outside the organization are denied outright.
 */
export function keyPolicy(props: KeyPolicyProps): PolicyDocument {
  const overlap = props.administrators.filter((a) => props.users.includes(a));
  if (overlap.length > 0) throw new Error(`keyPolicy: ${overlap.join(', ')} cannot be both key administrator and key user`);
  if (props.administrators.length === 0) throw new Error('keyPolicy: administrators must name at least one principal (else the key cannot be managed)');
  const statements: PolicyStatement[] = [
    { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [...props.administrators] }, Action: [...KEY_ADMIN_ACTIONS], Resource: '*' },
  ];
  if (props.users.length > 0) {
    statements.push(
      { Sid: 'KeyUse', Effect: 'Allow', Principal: { AWS: [...props.users] }, Action: [...KEY_ENCRYPT_DECRYPT_ACTIONS], Resource: '*' },
      {
        Sid: 'KeyGrantsForAwsResources',
        Effect: 'Allow',
        Principal: { AWS: [...props.users] },
        Action: [...KEY_GRANT_ACTIONS],
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    );
  }
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
      Condition: { ArnLike: { 'aws:PrincipalArn': u.principalArnPattern }, StringEquals: { 'kms:ViaService': u.viaService } },
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
