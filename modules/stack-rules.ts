import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Annotations, Aspects, IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { STACK_TAG_KEYS } from '../model/tags';
import { isProtectedResourceType, KMS_KEY_ATTRIBUTES, readConfigPath } from '../terraform/protected-resources';
import { SecureBucket } from './secure-bucket';

/**
 * The rules every stack obeys, applied in one place (LandingZoneStack calls
 * `applyStackRules`). A rule that mutates (prevent_destroy) is applied to every matching
 * resource; a rule that checks (encryption, bucket hardening, tags) turns a violation into
 * an error annotation, which fails synthesis with the construct path of the offender.
 */

/** Marks a stack whose data-bearing resources may be destroyed (explicit offboarding only). */
const DESTRUCTION_ALLOWED = Symbol.for('tenant-landing-zone.destruction-allowed');

export function allowDataDestruction(stack: TerraformStack): void {
  (stack as unknown as Record<symbol, boolean>)[DESTRUCTION_ALLOWED] = true;
}

function destructionAllowed(node: IConstruct): boolean {
  const stack = TerraformStack.of(node) as unknown as Record<symbol, boolean>;
  return stack[DESTRUCTION_ALLOWED] === true;
}

/** Data-bearing resources get `lifecycle.prevent_destroy`: a plan that would destroy or replace one fails. */
export class ProtectDataAspect implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof TerraformResource && isProtectedResourceType(node.terraformResourceType) && !destructionAllowed(node)) {
      node.addOverride('lifecycle.prevent_destroy', true);
    }
  }
}

function config(resource: TerraformResource): Record<string, unknown> {
  const tf = resource.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
  return Object.values(Object.values(tf.resource)[0])[0];
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** Every encryptable data-bearing resource names a KMS key; every S3 bucket is a SecureBucket. */
export class EncryptionAspect implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof TerraformResource) {
      const path = KMS_KEY_ATTRIBUTES[node.terraformResourceType];
      if (path && node.terraformResourceType !== 'aws_s3_bucket_server_side_encryption_configuration' && isBlank(readConfigPath(config(node), path))) {
        Annotations.of(node).addError(`${node.terraformResourceType} must be encrypted with a customer-managed KMS key (${path.join('.')} is not set)`);
      }
    }
    if (node instanceof S3Bucket) this.checkBucket(node);
  }

  private checkBucket(bucket: S3Bucket): void {
    // SecureBucket is the one way to make a bucket: it always adds SSE-KMS with a customer
    // key, versioning, the four public-access blocks, enforced ownership and TLS-only.
    if (!(bucket.node.scope instanceof SecureBucket)) {
      Annotations.of(bucket).addError('aws_s3_bucket must be created through SecureBucket (SSE-KMS, versioning, public access blocked, TLS-only)');
    }
  }
}

/** Every AWS provider carries the landing-zone default tags. */
export class TaggingAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof AwsProvider)) return;
    const blocks = Array.isArray(node.defaultTags) ? (node.defaultTags as ReadonlyArray<{ tags?: Record<string, string> }>) : [];
    const tags = blocks[0]?.tags ?? {};
    const missing = STACK_TAG_KEYS.filter((k) => isBlank(tags[k]));
    if (missing.length > 0) Annotations.of(node).addError(`AWS provider is missing default tags ${missing.join(', ')}`);
  }
}

export function applyStackRules(stack: TerraformStack): void {
  const aspects = Aspects.of(stack);
  aspects.add(new ProtectDataAspect());
  aspects.add(new EncryptionAspect());
  aspects.add(new TaggingAspect());
}
