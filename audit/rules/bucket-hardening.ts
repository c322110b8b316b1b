import { readConfigPath } from '../../terraform/protected-resources';
import { Evidence } from '../model';
import { policyOf } from '../references';
import { AuditRule, fail, verdict } from '../rule';
import { bucketPart, byName, ev } from './helpers';

/** The tenant's bucket (pooled for L1): public access blocked, versioned, TLS only, SSE-KMS. */
export const bucketHardening: AuditRule = {
  id: 'bucket-hardening',
  tiers: ['L1', 'L2', 'L3'],
  scope: {
    stacks: ['data'],
    resourceTypes: ['aws_s3_bucket', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_versioning', 'aws_s3_bucket_policy', 'aws_s3_bucket_server_side_encryption_configuration'],
  },
  check(ctx) {
    const account = ctx.profile.data.account === 'platform' ? ctx.platformAccountId : ctx.tenantAccountId;
    const name = ctx.profile.data.bucketName(account ?? '');
    const bucket = byName(ctx, 'data', 'aws_s3_bucket', name, 'bucket');
    if (!bucket) return fail(`bucket ${name} is not in the evidence`, []);
    const evidence: Evidence[] = [ev(bucket, 'bucket')];
    const problems: string[] = [];
    const pab = bucketPart(ctx, 'data', 'aws_s3_bucket_public_access_block', bucket);
    const flags = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
    if (!pab) problems.push('no public access block');
    else {
      evidence.push(...flags.map((f) => ev(pab, f)));
      const off = flags.filter((f) => pab.values[f] !== true);
      if (off.length > 0) problems.push(`public access block leaves ${off.join(', ')} off`);
    }
    const versioning = bucketPart(ctx, 'data', 'aws_s3_bucket_versioning', bucket);
    const status = versioning ? readConfigPath(versioning.values, ['versioning_configuration', 'status']) : undefined;
    if (versioning) evidence.push(ev(versioning, 'versioning_configuration.status', status));
    if (status !== 'Enabled') problems.push(`versioning is ${String(status ?? 'not configured')}`);
    const policy = bucketPart(ctx, 'data', 'aws_s3_bucket_policy', bucket);
    const doc = policy ? policyOf(policy) : undefined;
    const tlsOnly = doc?.Statement.some((s) => s.Effect === 'Deny' && (s.Principal === '*' || s.Principal?.AWS === '*') && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false');
    if (policy) evidence.push(ev(policy, 'policy', doc));
    if (!tlsOnly) problems.push('no bucket policy statement denies requests without TLS');
    const sse = bucketPart(ctx, 'data', 'aws_s3_bucket_server_side_encryption_configuration', bucket);
    const algorithm = sse ? readConfigPath(sse.values, ['rule', 'apply_server_side_encryption_by_default', 'sse_algorithm']) : undefined;
    if (sse) evidence.push(ev(sse, 'rule.apply_server_side_encryption_by_default.sse_algorithm', algorithm));
    if (algorithm !== 'aws:kms') problems.push(`server-side encryption is ${String(algorithm ?? 'not configured')}, expected aws:kms`);
    return verdict(problems, `bucket ${name}: public access blocked, versioned, TLS only, SSE-KMS`, evidence);
  },
};
