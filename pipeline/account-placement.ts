import { TerraformJson } from './stack-config';

/**
 * The organizational unit an account stack puts its tenant's account in, read from the stack's
 * Terraform JSON: the `name` of the `aws_organizations_organizational_unit` data source that
 * the account's `parent_id` refers to (how stacks/account-stack.ts places it), or a literal
 * `parent_id`. Undefined when the stack holds no account.
 */
export function accountOu(json: TerraformJson | undefined): string | undefined {
  const accounts = (json?.resource as Record<string, Record<string, Record<string, unknown>>> | undefined)?.aws_organizations_account;
  const account = accounts ? Object.values(accounts)[0] : undefined;
  const parent = account?.parent_id;
  if (typeof parent !== 'string') return undefined;
  const ref = /^\$\{data\.aws_organizations_organizational_unit\.([^.}]+)\.id\}$/.exec(parent);
  if (!ref) return parent;
  const units = (json?.data as Record<string, Record<string, Record<string, unknown>>> | undefined)?.aws_organizations_organizational_unit;
  const name = units?.[ref[1]]?.name;
  return typeof name === 'string' ? name : parent;
}
