import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { pipelineRoleTrust, planReadOnly } from '../../contract/pipeline-identities';
import { Role } from './role';

/** The AWS managed policy of the deployment role: it creates and changes everything a stack holds. */
export const DEPLOYMENT_POLICY_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface AccountPipelineRolesProps {
  readonly accountId: string;
  readonly organizationId: string;
  /** The read-only role plans and drift runs assume here, and the role(s) allowed to assume it. */
  readonly plan: { readonly roleName: string; readonly trustedBy: ReadonlyArray<string> };
  /**
   * Tables whose single items a plan may read: the tenant registries (Terraform refreshes
   * registry entries). Every other item read is denied.
   */
  readonly registryTablePatterns: ReadonlyArray<string>;
  /**
   * The deployment role and who may assume it. Omitted in accounts AWS Organizations vended
   * (the account stack names the role; Organizations creates it).
   * @default none
   */
  readonly deployment?: { readonly roleName: string; readonly trustedBy: ReadonlyArray<string>; readonly ignoreChanges?: ReadonlyArray<string> };
  readonly dependsOn?: ITerraformDependable[];
  readonly provider?: TerraformProvider;
}

/**
 * The pipeline's roles in one account: the read-only plan role (describe, list, get; no
 * tenant data; no write) and, in the shared accounts, the deployment role. Each trusts only
 * the named roles of the management account that sign in from GitHub.
 */
export class AccountPipelineRoles extends Construct {
  readonly planRole: Role;
  readonly deploymentRole?: Role;

  constructor(scope: Construct, id: string, props: AccountPipelineRolesProps) {
    super(scope, id);
    this.planRole = new Role(this, 'plan', {
      roleName: props.plan.roleName,
      trustPolicy: pipelineRoleTrust({ principalArns: props.plan.trustedBy, organizationId: props.organizationId }),
      statements: planReadOnly({ registryTablePatterns: props.registryTablePatterns }),
      dependsOn: props.dependsOn,
      provider: props.provider,
    });
    if (props.deployment) {
      this.deploymentRole = new Role(this, 'deployment', {
        roleName: props.deployment.roleName,
        trustPolicy: pipelineRoleTrust({ principalArns: props.deployment.trustedBy, organizationId: props.organizationId }),
        managedPolicyArns: [DEPLOYMENT_POLICY_ARN],
        ignoreChanges: props.deployment.ignoreChanges,
        dependsOn: props.dependsOn,
        provider: props.provider,
      });
    }
  }
}
