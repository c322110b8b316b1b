/**
 * Terraform template escaping, in one place. Every string of Terraform JSON is a template
 * (and so is every object key in an expression): `${...}` interpolates and `%{...}` runs a
 * directive, on the machine that runs `terraform plan`. Text the landing zone writes must reach
 * AWS as it is, whether it is an IAM policy variable such as `${aws:PrincipalTag/TenantId}` or a
 * tenant's display name. `$${` and `%%{` are Terraform's escapes for a literal `${` and `%{`.
 * CDKTF token placeholders (`${TfToken[...]}`) are left alone so that references still resolve;
 * the manifest schemas refuse that marker in manifest text (model/text-safety.ts).
 *
 * Every stack escapes all its string attributes once, in `TemplateEscapeAspect`
 * (modules/stack-rules.ts); constructs write plain text and never escape themselves.
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Reverses `escapeTerraformTemplate` on synthesized configuration (for the audit and tests). */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}

/** True for plain data (objects and arrays built from literals), false for tokens and class instances. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with every string (and every object key) escaped; the same reference when nothing
 * needed escaping, so a caller can tell whether anything changed. Non-plain objects (CDKTF
 * resolvables) are left as they are.
 */
export function escapeTemplatesDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeTerraformTemplate(value) as T;
  if (Array.isArray(value)) {
    const out = value.map((v) => escapeTemplatesDeep(v));
    return (out.some((v, i) => v !== value[i]) ? out : value) as T;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const k = escapeTerraformTemplate(key);
    const e = escapeTemplatesDeep(v);
    if (k !== key || e !== v) changed = true;
    out[k] = e;
  }
  return (changed ? out : value) as T;
}
