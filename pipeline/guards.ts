import { PlannedMove } from '../model/migration';
import { StackSpec } from '../model/inventory';
import { TenantStatus } from '../model/schema/tenant';
import { LandingZone } from '../model/validate';
import { isDestructive, ResourceChange } from './changes';
import { UnrecognizedChange } from './plan-json';

/**
 * The guards of the pipeline, each a pure function of one stack's plan and the head manifests
 * that returns violations. A guard that lacks an input (no manifest for the stack's tenant, an
 * action list it does not know, no approvers) reports a violation, never a pass.
 *
 * | Rule | Fails |
 * |---|---|
 * | `data-destruction` | a delete or replace of a data-bearing resource (PROTECTED_RESOURCE_TYPES), unless the stack's tenant is `offboarding` and its manifest carries `acknowledgements.dataDestruction` |
 * | `unrecognized-plan` | a resource change the pipeline cannot judge: a `mode` other than managed or data, or an unknown action list |
 * | `approval` | (apply) an L3 stack applied outside its approval environment; (plan) an L3 stack whose manifest names no approvers |
 */
export type GuardRule = 'data-destruction' | 'unrecognized-plan' | 'approval';

export interface GuardViolation {
  readonly rule: GuardRule;
  readonly stack: string;
  /** The resource, for resource-level rules. */
  readonly address?: string;
  /** What is wrong. */
  readonly message: string;
  /** What would make it pass. */
  readonly remedy: string;
}

/** What the guards need to know of a tenant, from its head manifest and profile. */
export interface TenantGuardInfo {
  readonly status: TenantStatus;
  /** The profile's decision: data-bearing resources may not be destroyed. */
  readonly destroyProtection: boolean;
  readonly dataDestruction?: { readonly reason: string; readonly approvedBy: ReadonlyArray<string> };
  readonly changeApprovers: ReadonlyArray<string>;
  /** The move up a tier the manifest records: `lz migrate` carries it out after the apply. */
  readonly move?: PlannedMove;
}

export interface GuardContext {
  readonly tenants: ReadonlyMap<string, TenantGuardInfo>;
}

export function guardContext(lz: LandingZone): GuardContext {
  return {
    tenants: new Map(
      lz.tenants.map((t) => [
        t.manifest.id,
        {
          status: t.profile.status,
          destroyProtection: t.profile.destroyProtection,
          dataDestruction: t.manifest.acknowledgements?.dataDestruction,
          changeApprovers: t.profile.approval?.approvers ?? [],
          move: t.profile.move,
        },
      ]),
    ),
  };
}

/**
 * Environment variable through which a workflow job proves that it runs inside a GitHub
 * deployment environment: the job sets it from a variable defined only in that environment
 * (`${{ vars.LZ_ENVIRONMENT }}`), which GitHub exposes only to jobs that passed the
 * environment's protection rules (its required reviewers).
 */
export const DEPLOYMENT_ENVIRONMENT_VARIABLE = 'LZ_DEPLOYMENT_ENVIRONMENT';

function describe(c: ResourceChange): string {
  if (c.action === 'replace') return `would be replaced${c.replacedBecause?.length ? ` (${c.replacedBecause.join(', ')} changed)` : ''}`;
  return 'would be deleted';
}

export function checkDataDestruction(spec: StackSpec, changes: ReadonlyArray<ResourceChange>, ctx: GuardContext): GuardViolation[] {
  const destructive = changes.filter((c) => c.dataBearing && isDestructive(c));
  if (destructive.length === 0) return [];
  const tenant = spec.tenantId ? ctx.tenants.get(spec.tenantId) : undefined;
  if (tenant && !tenant.destroyProtection) return [];
  let remedy: string;
  if (!spec.tenantId) {
    remedy = `${spec.name} is a shared stack: its data-bearing resources are never destroyed by the pipeline; keep the resource (same address and replacement-forcing arguments, or a moved block)`;
  } else if (!tenant) {
    remedy = `could not evaluate: tenant ${spec.tenantId} has no manifest in this change, so no acknowledgement can apply; keep the resource`;
  } else if (tenant.status !== 'offboarding') {
    remedy = `tenant ${spec.tenantId} is ${tenant.status}; destroying its data needs status: offboarding and acknowledgements.dataDestruction {reason, approvedBy} in its manifest, or keep the resource`;
  } else {
    remedy = `tenant ${spec.tenantId} is offboarding but its manifest has no acknowledgements.dataDestruction {reason, approvedBy}`;
  }
  return destructive.map((c) => ({
    rule: 'data-destruction' as const,
    stack: spec.name,
    address: c.address,
    message: `${c.address} ${describe(c)}: ${c.type} holds data`,
    remedy,
  }));
}

export function checkUnrecognized(spec: StackSpec, unrecognized: ReadonlyArray<UnrecognizedChange>): GuardViolation[] {
  return unrecognized.map((u) => ({
    rule: 'unrecognized-plan' as const,
    stack: spec.name,
    address: u.address,
    message: `could not evaluate ${u.address} (${u.type}, actions [${u.actions.join(', ')}]): ${u.reason}`,
    remedy: 'known: mode managed or data; actions no-op, create, read, update, delete+create, create+delete, delete, forget; review the plan by hand and update pipeline/plan-json.ts or pipeline/changes.ts',
  }));
}

export interface ApprovalRequirement {
  readonly environment: string;
  readonly approvers: ReadonlyArray<string>;
}

/** Who must approve applying this stack (L3 stacks), or undefined. */
export function approvalRequirement(spec: StackSpec, ctx: GuardContext): ApprovalRequirement | undefined {
  if (!spec.approvalEnvironment) return undefined;
  const tenant = spec.tenantId ? ctx.tenants.get(spec.tenantId) : undefined;
  return { environment: spec.approvalEnvironment, approvers: tenant?.changeApprovers ?? [] };
}

/** Plan time: an L3 stack must name its approvers, or nobody could ever approve it. */
export function checkApprovers(spec: StackSpec, ctx: GuardContext): GuardViolation[] {
  const req = approvalRequirement(spec, ctx);
  if (!req || req.approvers.length > 0) return [];
  return [
    {
      rule: 'approval',
      stack: spec.name,
      message: `${spec.name} needs approval in environment ${req.environment}, but ${spec.tenantId ? `tenant ${spec.tenantId}'s manifest names no changeApprovers` : 'it belongs to no tenant'}`,
      remedy: 'list the approvers in changeApprovers of the tenant manifest (GitHub users or teams)',
    },
  ];
}

/**
 * Apply time: an L3 stack is applied only inside its approval environment, which the job proves
 * through DEPLOYMENT_ENVIRONMENT_VARIABLE.
 */
export function checkApprovalGate(spec: StackSpec, ctx: GuardContext, runEnvironment: string | undefined): GuardViolation[] {
  const req = approvalRequirement(spec, ctx);
  if (!req) return [];
  const missing = checkApprovers(spec, ctx);
  if (missing.length > 0) return missing;
  if (runEnvironment === req.environment) return [];
  return [
    {
      rule: 'approval',
      stack: spec.name,
      message: `${spec.name} needs approval by ${req.approvers.join(', ')}: this run is ${runEnvironment ? `in environment ${runEnvironment}` : 'in no deployment environment'}, not ${req.environment}`,
      remedy: `apply it in a job with environment: ${req.environment} (required reviewers: the approvers) that sets ${DEPLOYMENT_ENVIRONMENT_VARIABLE} from \${{ vars.LZ_ENVIRONMENT }}`,
    },
  ];
}
