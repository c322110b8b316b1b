import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Annotations, Aspects, IAspect, TerraformDataSource, TerraformElement, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { STACK_TAG_KEYS } from '../model/tags';
import { isProtectedResourceType, KMS_KEY_ATTRIBUTES, readConfigPath } from '../terraform/protected-resources';
import { escapeTemplatesDeep } from '../terraform/template';
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

/** The kinds of top-level blocks whose attributes are templates, and how deep their blocks sit. */
const TEMPLATE_BLOCKS: Readonly<Record<string, 'typed' | 'named'>> = { resource: 'typed', data: 'typed', provider: 'named', output: 'named' };

/** One element's Terraform fragment with every attribute escaped (`//` metadata, moved and import blocks untouched). */
function escapeFragment(fragment: Record<string, unknown>): Record<string, unknown> {
  const escapeBlock = (block: unknown): unknown => {
    if (Array.isArray(block)) return block.map(escapeBlock);
    if (block === null || typeof block !== 'object') return block;
    return Object.fromEntries(Object.entries(block).map(([k, v]) => [k, k === '//' ? v : escapeTemplatesDeep(v)]));
  };
  const out: Record<string, unknown> = { ...fragment };
  for (const [kind, depth] of Object.entries(TEMPLATE_BLOCKS)) {
    const byKey = fragment[kind] as Record<string, unknown> | undefined;
    if (!byKey) continue;
    out[kind] = Object.fromEntries(
      Object.entries(byKey).map(([key, value]) => [key, depth === 'typed' ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([id, block]) => [id, escapeBlock(block)])) : escapeBlock(value)]),
    );
  }
  return out;
}

/** Elements already wrapped: a second synthesis of the same stack must not escape twice. */
const escaping = new WeakSet<TerraformElement>();

/**
 * Every string a stack writes reaches Terraform as literal text: `${` and `%{` are escaped
 * (terraform/template.ts) in every attribute of every resource, data source, provider and
 * output, whatever construct made it and wherever its value came from (a manifest's display
 * name, a contact's e-mail, an IAM policy variable). CDKTF references stay references. The
 * escape wraps the element's own Terraform fragment, before CDKTF resolves references, because
 * overrides cannot replace list attributes (they append to them).
 */
export class TemplateEscapeAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource || node instanceof TerraformProvider || node instanceof TerraformOutput)) return;
    if (escaping.has(node)) return;
    escaping.add(node);
    const fragment = node.toTerraform.bind(node);
    Object.defineProperty(node, 'toTerraform', { value: () => escapeFragment(fragment() as Record<string, unknown>), configurable: true });
  }
}

export function applyStackRules(stack: TerraformStack): void {
  const aspects = Aspects.of(stack);
  aspects.add(new TemplateEscapeAspect());
  aspects.add(new ProtectDataAspect());
  aspects.add(new EncryptionAspect());
  aspects.add(new TaggingAspect());
}
