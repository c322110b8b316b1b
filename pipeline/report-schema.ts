import { z } from 'zod';
import { DocumentKind } from '../format/json-document';
import { StackKind } from '../model/inventory';
import { MoveKind } from '../model/migration';
import { MOVE_IDS } from '../model/schema/tenant';
import { TIERS } from '../model/tiers';
import { isProtectedResourceType } from '../terraform/protected-resources';
import { StackChange } from './affected';
import { CHANGE_ACTIONS, ChangeAction, ChangeCounts, countChanges } from './changes';
import { GuardRule } from './guards';
import { PipelineReport, RunMode, STACK_STATUSES, StackError, StackReport, StackStatus } from './report';
import { RevisionSource } from './revision-synthesis';

/**
 * The schemas of the documents one pipeline job hands to another: the JSON report of `lz plan`
 * and `lz apply` (`--report-json`), and the output of `lz affected --format json` that
 * `lz report --expect` reads. They come back from other jobs (artifacts), so they are read like
 * any outside document: every field the renderers print is checked here, unknown fields and
 * unknown values are refused, version fields are explicit, and counts must agree with the
 * changes they count.
 */
/** Every value of T, checked at compile time: a value added to the type and not here fails the build. */
function every<T>() {
  return <const A extends ReadonlyArray<T>>(values: A & ([T] extends [A[number]] ? unknown : 'lists every value of the type')): A => values;
}

const STACK_KINDS = ['bootstrap', 'organization', 'platform', 'account', 'tenant'] as const satisfies ReadonlyArray<StackKind>;
const STACK_CHANGES = ['added', 'changed', 'removed'] as const satisfies ReadonlyArray<StackChange>;
const GUARD_RULES = ['data-destruction', 'unrecognized-plan', 'approval'] as const satisfies ReadonlyArray<GuardRule>;
const RUN_MODES = every<RunMode>()(['terraform', 'terraform-local', 'offline', 'mixed']);
const SOURCES = every<StackReport['source']>()(['terraform', 'terraform-local', 'offline', 'none']);
const COMMANDS = every<PipelineReport['command']>()(['plan', 'apply', 'drift']);
const MOVE_KINDS = every<MoveKind>()(['data', 'users']);
const ERROR_PHASES = ['init', 'plan', 'show', 'apply', 'read-plan', 'report'] as const satisfies ReadonlyArray<StackError['phase']>;

const STACK_NAME = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { error: 'a stack name (lowercase letters, digits and hyphens)' });
const COMMIT = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, { error: 'a full git commit id (40 or 64 hexadecimal digits)' });
const TEXT = z.string();
const COUNT = z.number().int().nonnegative();

const ATTRIBUTE_CHANGE = z.strictObject({ path: TEXT, before: TEXT, after: TEXT });

const RESOURCE_CHANGE = z
  .strictObject({
    address: z.string().min(1),
    type: z.string().min(1),
    action: z.enum(CHANGE_ACTIONS as [ChangeAction, ...ChangeAction[]]),
    actions: z.array(TEXT).min(1),
    dataBearing: z.boolean(),
    changedAttributes: z.array(TEXT).optional(),
    valueChanges: z.array(ATTRIBUTE_CHANGE).optional(),
    replacedBecause: z.array(TEXT).optional(),
    importing: z.boolean().optional(),
  })
  .refine((c) => c.dataBearing === isProtectedResourceType(c.type), { error: 'dataBearing that agrees with the protected resource types (terraform/protected-resources.ts)', path: ['dataBearing'] });

const COUNTS = z.strictObject({ create: COUNT, update: COUNT, replace: COUNT, delete: COUNT, import: COUNT, forget: COUNT });

const VIOLATION = z.strictObject({ rule: z.enum(GUARD_RULES), stack: STACK_NAME, address: TEXT.optional(), message: TEXT, remedy: TEXT });

const STACK_REPORT = z
  .strictObject({
    stack: STACK_NAME,
    kind: z.enum(STACK_KINDS),
    tenantId: TEXT.optional(),
    tier: z.enum(TIERS).optional(),
    wave: z.number().int().min(0).max(100),
    change: z.enum([...STACK_CHANGES, 'unchanged']),
    reason: TEXT.optional(),
    status: z.enum(STACK_STATUSES as [StackStatus, ...StackStatus[]]),
    source: z.enum(SOURCES),
    sourceNote: TEXT.optional(),
    counts: COUNTS,
    changes: z.array(RESOURCE_CHANGE),
    drift: z.array(RESOURCE_CHANGE).optional(),
    notes: z.array(TEXT),
    violations: z.array(VIOLATION),
    approval: z.strictObject({ environment: TEXT, approvers: z.array(TEXT) }).optional(),
    error: z.strictObject({ phase: z.enum(ERROR_PHASES), message: TEXT, exitCode: z.number().int().optional(), output: TEXT.optional() }).optional(),
    blockedBy: z.array(STACK_NAME).optional(),
    state: TEXT,
    previousTier: z.enum(TIERS).optional(),
    ouMove: z.strictObject({ from: TEXT, to: TEXT }).optional(),
    migration: z.strictObject({ move: z.enum(MOVE_IDS), kind: z.enum(MOVE_KINDS), steps: z.array(TEXT).min(1) }).optional(),
  })
  .refine((s) => sameCounts(s.counts, countChanges(s.changes)), { error: 'counts that agree with the changes listed', path: ['counts'] });

function sameCounts(a: ChangeCounts, b: ChangeCounts): boolean {
  return CHANGE_ACTIONS.every((k) => a[k] === b[k]);
}

const BASE = z.strictObject({ ref: z.string().min(1), commit: COMMIT });

export const PIPELINE_REPORT: DocumentKind<PipelineReport> = {
  expected: 'an lz plan, apply or drift report (lz plan --report-json), formatVersion 1',
  schema: z.strictObject({
    formatVersion: z.literal(1, { error: 'formatVersion 1 (this lz reads only that version)' }),
    command: z.enum(COMMANDS),
    mode: z.enum(RUN_MODES),
    modeReason: TEXT.optional(),
    terraformVersion: TEXT.optional(),
    providers: z.array(z.strictObject({ source: TEXT, version: TEXT, required: z.array(TEXT).optional() })).optional(),
    base: BASE,
    head: z.strictObject({ commit: COMMIT.optional(), dirty: z.boolean() }),
    stacks: z.array(STACK_REPORT),
    unreadable: z.array(z.strictObject({ input: TEXT, problem: TEXT })).optional(),
  }),
};

/** What `lz report --expect` takes from `lz affected --format json`. */
export interface AffectedDocument {
  readonly base: PipelineReport['base'];
  readonly head: PipelineReport['head'];
  readonly stacks: ReadonlyArray<{
    readonly name: string;
    readonly change: StackChange;
    readonly kind: StackKind;
    readonly tenantId?: string;
    readonly tier?: (typeof TIERS)[number];
    readonly wave: number;
    readonly state: string;
  }>;
}

export const AFFECTED_DOCUMENT: DocumentKind<AffectedDocument> = {
  expected: 'the output of lz affected --format json (base, head, summary and stacks)',
  schema: z.strictObject({
    base: z.strictObject({ ref: z.string().min(1), commit: COMMIT, source: z.enum(every<RevisionSource>()(['worktree', 'manifests-only', 'same-code', 'absent'])).optional() }).transform(({ ref, commit }) => ({ ref, commit })),
    head: z.strictObject({ commit: COMMIT.optional(), dirty: z.boolean() }),
    summary: z.strictObject({ affected: COUNT, added: COUNT, changed: COUNT, removed: COUNT, unchanged: COUNT, headStacks: COUNT }).optional(),
    stacks: z.array(
      z.strictObject({
        name: STACK_NAME,
        change: z.enum(STACK_CHANGES),
        kind: z.enum(STACK_KINDS),
        tenantId: TEXT.optional(),
        tier: z.enum(TIERS).optional(),
        wave: z.number().int().min(0).max(100),
        dependsOn: z.array(STACK_NAME).optional(),
        resources: COUNT.optional(),
        state: TEXT,
        approval: z.strictObject({ environment: TEXT, approvers: z.array(TEXT) }).optional(),
      }),
    ),
  }),
};
