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
