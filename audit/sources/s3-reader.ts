import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StateReader } from './collect';

/**
 * State straight from the state bucket. Each tenant's audit asks only for the keys of its own
 * stacks (under `tenants/<id>/`), plus the shared platform and organization state; any other
 * key is refused, so a bug cannot make one tenant's audit read another's state.
 */
export function s3Reader(client: S3Client, bucket: string): StateReader {
  return {
    source: 'state',
    async read(key, spec) {
      const allowed = spec.tenantId ? key.startsWith(`tenants/${spec.tenantId}/`) : key.startsWith('shared/');
      if (!allowed) throw new Error(`refusing to read s3://${bucket}/${key} for stack ${spec.name}: outside its prefix`);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = await out.Body!.transformToString('utf-8');
        return { text, input: `s3://${bucket}/${key}` };
      } catch (e) {
        const name = (e as { name?: string }).name;
        if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
        throw e;
      }
    },
  };
}
