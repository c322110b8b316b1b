import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, PolicyDocument, policyJson, PolicyStatement } from '../../contract/policy-document';

export interface RoleProps {
  readonly roleName: string;
  /** Who may assume the role. */
  readonly trustPolicy: PolicyDocument;
  /** The role's permissions, as one inline policy. @default none */
  readonly statements?: ReadonlyArray<PolicyStatement>;
  /** AWS managed policies attached to the role. @default none */
  readonly managedPolicyArns?: ReadonlyArray<string>;
  /** Attributes Terraform leaves alone once the role exists (e.g. tags of a role an SCP protects). @default none */
  readonly ignoreChanges?: ReadonlyArray<string>;
  /** @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  /** Resources that must exist before the role (e.g. principals its trust policy names). */
  readonly dependsOn?: ITerraformDependable[];
  readonly provider?: TerraformProvider;
}

/**
 * An IAM role with its trust policy and one inline permissions policy. Inline (not managed)
 * so the permissions live and die with the role and are visible in its synthesized JSON.
 */
export class Role extends Construct {
  readonly role: IamRole;
  readonly roleName: string;
  readonly permissions?: PolicyDocument;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    this.roleName = props.roleName;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: policyJson(props.trustPolicy),
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      dependsOn: props.dependsOn,
      provider: props.provider,
      ...(props.ignoreChanges?.length ? { lifecycle: { ignoreChanges: [...props.ignoreChanges] } } : {}),
    });
    for (const policyArn of props.managedPolicyArns ?? []) {
      new IamRolePolicyAttachment(this, `attach-${policyArn.split('/').pop()}`, { role: this.role.name, policyArn, provider: props.provider });
    }
    if (props.statements && props.statements.length > 0) {
      this.permissions = policyDocument(...props.statements);
      new IamRolePolicy(this, 'permissions', { name: 'permissions', role: this.role.name, policy: policyJson(this.permissions), provider: props.provider });
    }
  }

  get arn(): string {
    return this.role.arn;
  }
}

export function serviceTrust(service: string, sourceAccount?: string): PolicyDocument {
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    ...(sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } } : {}),
  });
}
