import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { DataAwsSsoadminPermissionSet } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-permission-set';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { identityCenterInstance } from './support-permission-sets';

export interface SupportAssignmentProps {
  /** Permission set (created by the organization stack) by name. */
  readonly permissionSetName: string;
  /** Identity Center group (display name) the permission set is assigned to. */
  readonly groupName: string;
}

export interface SupportAssignmentsProps {
  /** The tenant account (literal, or a reference to the account resource). */
  readonly accountId: string;
  /** @default read-only support is not assigned */
  readonly readOnly?: SupportAssignmentProps;
  /** @default break-glass is not assigned */
  readonly breakGlass?: SupportAssignmentProps;
  readonly provider?: TerraformProvider;
}

/**
 * Assigns the support permission sets to their Identity Center groups on one tenant account
 * (management account). The permission sets and groups are looked up by name, so the
 * assignment follows the organization stack without reading its state.
 */
export class SupportAssignments extends Construct {
  readonly assignments: Record<'read-only' | 'break-glass', SsoadminAccountAssignment | undefined> = { 'read-only': undefined, 'break-glass': undefined };

  constructor(scope: Construct, id: string, props: SupportAssignmentsProps) {
    super(scope, id);
    const wanted = ([['read-only', props.readOnly], ['break-glass', props.breakGlass]] as const).filter((e): e is readonly ['read-only' | 'break-glass', SupportAssignmentProps] => e[1] !== undefined);
    if (wanted.length === 0) return;
    const provider = props.provider;
    const instance = identityCenterInstance(this, 'instance', provider);
    for (const [key, a] of wanted) {
      const group = new DataAwsIdentitystoreGroup(this, `${key}-group`, {
        identityStoreId: instance.identityStoreId,
        alternateIdentifier: { uniqueAttribute: { attributePath: 'DisplayName', attributeValue: a.groupName } },
        provider,
      });
      const permissionSet = new DataAwsSsoadminPermissionSet(this, `${key}-permission-set`, { instanceArn: instance.arn, name: a.permissionSetName, provider });
      this.assignments[key] = new SsoadminAccountAssignment(this, key, {
        instanceArn: instance.arn,
        permissionSetArn: permissionSet.arn,
        principalId: group.groupId,
        principalType: 'GROUP',
        targetId: props.accountId,
        targetType: 'AWS_ACCOUNT',
        provider,
      });
    }
  }
}
