import { sharedStacks, tenantStacks } from '../../model/inventory';
import { TenantAudit } from '../model';

/**
 * The input (state file, `terraform show -json` file or S3 key) that holds a stack's evidence,
 * among the inputs a tenant's audit read: the one that ends with the stack's state key
 * (`tenants/acme/tenant.tfstate`), else the one whose file name, without extensions, is the
 * stack name (`tenant-acme.tfstate`, `tenant-acme.show.json`). Undefined when none does: the
 * report then names no file rather than a wrong one.
 */
export function stateInputForStack(tenant: Pick<TenantAudit, 'tenantId' | 'tier' | 'inputs'>, stack: string): string | undefined {
  const spec = [...sharedStacks(), ...tenantStacks({ id: tenant.tenantId, tier: tenant.tier })].find((s) => s.name === stack);
  const normalized = tenant.inputs.map((input) => ({ input, path: input.replace(/\\/g, '/') }));
  const byKey = spec && normalized.find(({ path }) => path === spec.stateKey || path.endsWith(`/${spec.stateKey}`));
  if (byKey) return byKey.input;
  return normalized.find(({ path }) => baseName(path) === stack)?.input;
}

function baseName(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const dot = file.indexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/**
 * An input as a URI reference: a URI (`s3://bucket/key`) keeps its scheme and authority, and
 * every path segment is percent-encoded, so spaces, `#` or `?` in a file name stay part of it.
 */
export function inputUri(input: string): string {
  const path = input.replace(/\\/g, '/');
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(path);
  const [prefix, rest] = scheme ? [scheme[1], scheme[2]] : ['', path];
  return prefix + rest.split('/').map(encodeURIComponent).join('/');
}
