import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sharedStacks, tenantStacks } from '../../model/inventory';
import { TenantAudit } from '../model';

/**
 * The input (state file, `terraform show -json` file, S3 key or synthesized configuration) that
 * holds a stack's evidence, among the inputs a tenant's audit read:
 *
 * | Input | Matched by |
 * |---|---|
 * | `s3://bucket/tenants/acme/tenant.tfstate`, `state/tenants/acme/tenant.tfstate` | ends with the stack's state key |
 * | `state/tenants/acme/tenant.tfstate.json` (show -json) | ends with the state key and `.json` |
 * | `cdktf.out/stacks/tenant-acme/cdk.tf.json` (desired state) | a folder named after the stack |
 * | `tenant-acme.tfstate`, `tenant-acme.show.json` | the file name without extensions is the stack |
 *
 * Undefined when none matches: the report then names no file rather than a wrong one.
 */
export function stateInputForStack(tenant: Pick<TenantAudit, 'tenantId' | 'tier' | 'inputs'>, stack: string): string | undefined {
  const spec = [...sharedStacks(), ...tenantStacks({ id: tenant.tenantId, tier: tenant.tier })].find((s) => s.name === stack);
  const candidates = tenant.inputs.map((input) => ({ input, segments: input.replace(/\\/g, '/').split('/') }));
  const byStateKey = spec && candidates.find(({ segments }) => endsWithKey(segments, spec.stateKey));
  if (byStateKey) return byStateKey.input;
  return candidates.find(({ segments }) => segments.slice(0, -1).includes(stack) || baseName(segments[segments.length - 1]) === stack)?.input;
}

function endsWithKey(segments: ReadonlyArray<string>, stateKey: string): boolean {
  const key = stateKey.split('/');
  if (segments.length < key.length) return false;
  const tail = segments.slice(segments.length - key.length);
  const last = tail[tail.length - 1];
  return tail.slice(0, -1).every((s, i) => s === key[i]) && (last === key[key.length - 1] || last === `${key[key.length - 1]}.json`);
}

function baseName(file: string): string {
  const dot = file.indexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/**
 * An input as a URI reference: a URI (`s3://bucket/key`) keeps its scheme and authority, an
 * absolute file path becomes a `file:` URI, and a relative path stays relative; path segments
 * are percent-encoded, so spaces, `#` or `?` in a file name stay part of it.
 */
export function inputUri(input: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(input);
  if (scheme) return scheme[1] + encodePath(scheme[2]);
  if (path.isAbsolute(input)) return pathToFileURL(input).href;
  return encodePath(input.replace(/\\/g, '/'));
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}
