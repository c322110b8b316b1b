import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import { StackSpec } from '../model/inventory';
import { LandingZoneSettings } from '../model/schema/settings';
import { TenantProfile } from '../model/profile';
import { landingZoneTags } from '../model/tags';
import { TenantManifest } from '../model/schema/tenant';
import { allowDataDestruction, applyStackRules } from '../modules/stack-rules';
import { ROLE_VARIABLE } from './identity-variables';

/** S3-native state locking (`use_lockfile`) is generally available from Terraform 1.11. */
export const MINIMUM_TERRAFORM_VERSION = '>= 1.11.0';

export interface LandingZoneStackProps {
  readonly settings: LandingZoneSettings;
  readonly spec: StackSpec;
  /** The tenant, for account and tenant stacks. */
  readonly tenant?: TenantManifest;
  /** What the tenant's tier means (model/profile.ts), for account and tenant stacks. */
  readonly profile?: TenantProfile;
  /**
   * Keep this stack's state in a local file instead of the state bucket. Only for the very
   * first apply of the bootstrap stack, which creates the bucket.
   * @default false
   */
  readonly localState?: boolean;
}

export { IDENTITY_VARIABLES, PLATFORM_ROLE_VARIABLE, ROLE_VARIABLE } from './identity-variables';

/**
 * How a provider signs in: through the role named by an identity variable (the default:
 * ROLE_VARIABLE, defaulting to the deployment role), through a fixed role, or with the caller's
 * own credentials (only the first bootstrap run, before any role exists).
 */
export type ProviderIdentity = { readonly variable: string; readonly defaultRole: string } | { readonly fixedRole: string } | 'caller';

export interface ProviderOptions {
  readonly accountId: string;
  readonly region: string;
  /** Provider alias; `undefined` for the default provider. */
  readonly alias?: string;
  /** @default the role in ROLE_VARIABLE, default the deployment role */
  readonly identity?: ProviderIdentity;
}

/**
 * Base of every stack: the S3 backend under the stack's own key, the providers (each assuming
 * the role of its identity variable in a named account and refusing to run anywhere else), the
 * common tags, and the rules every stack obeys (modules/stack-rules.ts).
 */
export abstract class LandingZoneStack extends TerraformStack {
  readonly settings: LandingZoneSettings;
  readonly spec: StackSpec;
  readonly tenant?: TenantManifest;
  readonly profile?: TenantProfile;

  constructor(scope: Construct, props: LandingZoneStackProps) {
    super(scope, props.spec.name);
    this.settings = props.settings;
    this.spec = props.spec;
    this.tenant = props.tenant;
    this.profile = props.profile;
    if (props.localState) {
      new LocalBackend(this, { path: '../../../.lz/bootstrap.tfstate' });
    } else {
      const backend = new S3Backend(this, {
        bucket: props.settings.state.bucket,
        key: props.spec.stateKey,
        region: props.settings.state.region,
        encrypt: true,
      });
      // S3-native locking; cdktf 0.21 has no typed field for it yet.
      backend.addOverride('use_lockfile', true);
    }
    this.addOverride('terraform.required_version', MINIMUM_TERRAFORM_VERSION);
    applyStackRules(this);
    // The one way to lift destroy protection: the profile says so (an acknowledged offboarding).
    if (this.profile && !this.profile.destroyProtection) allowDataDestruction(this);
  }

  /** Tags every resource of this stack carries, through the providers' default_tags. */
  get commonTags(): Record<string, string> {
    return { ...(this.settings.tags ?? {}), ...(this.tenant?.tags ?? {}), ...landingZoneTags(this.settings.name, this.spec.name, this.tenant) };
  }

  deploymentRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/${this.settings.roles.deployment}`;
  }

  /** The identity variable `name` (declared once per stack), its default the role that applies. */
  protected identityVariable(name: string, defaultRole: string): TerraformVariable {
    const existing = this.node.tryFindChild(name) as TerraformVariable | undefined;
    if (existing) {
      if (existing.default !== defaultRole) throw new Error(`stack ${this.spec.name}: identity variable ${name} declared with two defaults (${String(existing.default)}, ${defaultRole})`);
      return existing;
    }
    return new TerraformVariable(this, name, {
      type: 'string',
      default: defaultRole,
      nullable: false,
      description: `IAM role the providers assume: ${defaultRole} applies; lz plan and lz drift pass the read-only plan role.`,
    });
  }

  /** An AWS provider working in `accountId` through the role its identity names (default: the deployment role). */
  protected awsProvider(id: string, opts: ProviderOptions): AwsProvider {
    const identity = opts.identity ?? { variable: ROLE_VARIABLE, defaultRole: this.settings.roles.deployment };
    let roleName: string | undefined;
    if (identity === 'caller') roleName = undefined;
    else if ('fixedRole' in identity) roleName = identity.fixedRole;
    else roleName = this.identityVariable(identity.variable, identity.defaultRole).stringValue;
    return new AwsProvider(this, id, {
      alias: opts.alias,
      region: opts.region,
      allowedAccountIds: [opts.accountId],
      ...(roleName !== undefined ? { assumeRole: [{ roleArn: `arn:aws:iam::${opts.accountId}:role/${roleName}`, sessionName: `lz-${this.spec.name}`.slice(0, 64) }] } : {}),
      defaultTags: [{ tags: this.commonTags }],
    });
  }
}
