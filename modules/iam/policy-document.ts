/**
 * IAM policy documents as plain data. Policies are built here, not with the
 * `aws_iam_policy_document` data source, so that the synthesized JSON holds the literal
 * policy: the tests simulate it and the audit reads it without calling AWS.
 */
export type ConditionValue = string | boolean | number | ReadonlyArray<string>;
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;
export type PrincipalBlock = '*' | Readonly<{ AWS?: string | ReadonlyArray<string>; Service?: string | ReadonlyArray<string>; Federated?: string | ReadonlyArray<string> }>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PrincipalBlock;
  readonly NotPrincipal?: PrincipalBlock;
  readonly Action?: string | ReadonlyArray<string>;
  readonly NotAction?: string | ReadonlyArray<string>;
  readonly Resource?: string | ReadonlyArray<string>;
  readonly NotResource?: string | ReadonlyArray<string>;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: ReadonlyArray<PolicyStatement>;
}

export function policyDocument(...statements: ReadonlyArray<PolicyStatement>): PolicyDocument {
  const sids = statements.map((s) => s.Sid).filter((s): s is string => s !== undefined);
  const dup = sids.find((s, i) => sids.indexOf(s) !== i);
  if (dup) throw new Error(`duplicate statement id ${dup} in policy`);
  return { Version: '2012-10-17', Statement: statements };
}

/** Compact JSON, as AWS stores it (size limits count these characters). */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/** Every action a document names in Action or NotAction, for the action-catalogue check. */
export function actionsOf(doc: PolicyDocument): string[] {
  const out: string[] = [];
  for (const s of doc.Statement) {
    for (const a of [s.Action, s.NotAction]) {
      if (a === undefined) continue;
      out.push(...(typeof a === 'string' ? [a] : a));
    }
  }
  return out;
}

/**
 * Policy JSON for a Terraform string attribute. IAM policy variables such as
 * `${aws:PrincipalTag/TenantId}` must reach AWS literally, so their `${` is escaped as `$${`
 * (Terraform's escape); CDKTF token placeholders (`${TfToken[...]}`) are left alone so that
 * references still resolve.
 */
export function terraformPolicyJson(doc: PolicyDocument): string {
  return escapeTerraformTemplate(policyJson(doc));
}

export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${');
}

/** Reverses `escapeTerraformTemplate` on synthesized configuration (for the audit and tests). */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => '${');
}
