import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { StackSpec } from '../model/inventory';
import { LandingZoneSettings } from '../model/schema/settings';
import { TenantProfile } from '../model/profile';
import { landingZoneTags } from '../model/tags';
import { TenantManifest } from '../model/schema/tenant';
import { allowDataDestruction, applyStackRules } from '../modules/stack-rules';

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

export interface ProviderOptions {
  readonly accountId: string;
  readonly region: string;
  /** Provider alias; `undefined` for the default provider. */
  readonly alias?: string;
}

/**
 * Base of every stack: the S3 backend under the stack's own key, the providers (always
 * assuming the deployment role of a named account and refusing to run anywhere else), the
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

  /** An AWS provider working in `accountId` through its deployment role. */
  protected awsProvider(id: string, opts: ProviderOptions): AwsProvider {
    return new AwsProvider(this, id, {
      alias: opts.alias,
      region: opts.region,
      allowedAccountIds: [opts.accountId],
      assumeRole: [{ roleArn: this.deploymentRoleArn(opts.accountId), sessionName: `lz-${this.spec.name}`.slice(0, 64) }],
      defaultTags: [{ tags: this.commonTags }],
    });
  }
}
