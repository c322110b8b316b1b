import { DataAwsSsoadminInstances } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-instances';
import { SsoadminManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Fn, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { breakGlassEntryPolicy, READ_ONLY_MANAGED_POLICY, supportReadOnlyPolicy } from '../../contract/support-access';
import { policyJson } from '../../contract/policy-document';

export interface SupportPermissionSetsProps {
  /**
   * Permission set names (at most 32 characters).
   * IMPORTANT: changing one replaces the permission set and every assignment of it.
   */
  readonly readOnlyName: string;
  readonly breakGlassName: string;
  /** Session length of read-only support (1-12 hours). */
  readonly readOnlySessionHours: number;
  /** Session length of break-glass (1-12 hours). */
  readonly breakGlassSessionHours: number;
  /** Landing-zone name prefix: the break-glass roles it may assume are `<prefix>-*-support-break-glass`. */
  readonly landingZone: string;
  readonly organizationId: string;
  readonly provider?: TerraformProvider;
}

/** The Identity Center instance of the organization (one per organization). */
export function identityCenterInstance(scope: Construct, id: string, provider?: TerraformProvider): { readonly arn: string; readonly identityStoreId: string } {
  const instances = new DataAwsSsoadminInstances(scope, id, { provider });
  return { arn: Fn.element(instances.arns, 0), identityStoreId: Fn.element(instances.identityStoreIds, 0) };
}

function hours(what: string, h: number): string {
  if (!Number.isInteger(h) || h < 1 || h > 12) throw new Error(`SupportPermissionSets: ${what} must be a whole number of 1-12 hours; got ${h}`);
  return `PT${h}H`;
}

/**
 * The support permission sets in IAM Identity Center (management account): read-only support
 * (AWS ReadOnlyAccess, tenant data denied) and break-glass (assume a tenant's break-glass role
 * with a ticket, nothing else). Tenant accounts get them through assignments in their account
 * stacks; the policies are the contract's (contract/support-access.ts).
 */
export class SupportPermissionSets extends Construct {
  readonly readOnly: SsoadminPermissionSet;
  readonly breakGlass: SsoadminPermissionSet;

  constructor(scope: Construct, id: string, props: SupportPermissionSetsProps) {
    super(scope, id);
    for (const n of [props.readOnlyName, props.breakGlassName]) {
      if (!/^[\w+=,.@-]{1,32}$/.test(n)) throw new Error(`SupportPermissionSets ${id}: permission set name must be 1-32 characters of letters, digits and +=,.@_-; got ${n}`);
    }
    const provider = props.provider;
    const instance = identityCenterInstance(this, 'instance', provider);
    this.readOnly = new SsoadminPermissionSet(this, 'read-only', {
      name: props.readOnlyName,
      description: 'Platform support: read-only, no access to tenant data',
      instanceArn: instance.arn,
      sessionDuration: hours('readOnlySessionHours', props.readOnlySessionHours),
      provider,
    });
    new SsoadminManagedPolicyAttachment(this, 'read-only-managed', { instanceArn: instance.arn, permissionSetArn: this.readOnly.arn, managedPolicyArn: READ_ONLY_MANAGED_POLICY, provider });
    new SsoadminPermissionSetInlinePolicy(this, 'read-only-inline', { instanceArn: instance.arn, permissionSetArn: this.readOnly.arn, inlinePolicy: policyJson(supportReadOnlyPolicy()), provider });

    this.breakGlass = new SsoadminPermissionSet(this, 'break-glass', {
      name: props.breakGlassName,
      description: "Break-glass: assume a tenant's break-glass role with a ticket reference (alarmed)",
      instanceArn: instance.arn,
      sessionDuration: hours('breakGlassSessionHours', props.breakGlassSessionHours),
      provider,
    });
    new SsoadminPermissionSetInlinePolicy(this, 'break-glass-inline', {
      instanceArn: instance.arn,
      permissionSetArn: this.breakGlass.arn,
      inlinePolicy: policyJson(breakGlassEntryPolicy({ landingZone: props.landingZone, organizationId: props.organizationId })),
      provider,
    });
  }
}
