/**
 * Terraform template escaping, in one place. Every string attribute of Terraform JSON is a
 * template: `${...}` interpolates and `%{...}` runs a directive. Text that must reach AWS as it
 * is (IAM policy variables such as `${aws:PrincipalTag/TenantId}`) is escaped as `$${` / `%%{`;
 * CDKTF token placeholders (`${TfToken[...]}`) are left alone so that references still resolve.
 */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${');
}

/** Reverses `escapeTerraformTemplate` on synthesized configuration (for the audit and tests). */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => '${');
}

/** A policy document as compact JSON for a Terraform string attribute, policy variables escaped. */
export function terraformPolicyJson(doc: object): string {
  return escapeTerraformTemplate(JSON.stringify(doc));
}
