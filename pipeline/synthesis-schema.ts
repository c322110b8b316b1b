import { z } from 'zod';
import { DocumentKind } from '../format/json-document';
import { StackKind, StackSpec, StackTarget } from '../model/inventory';
import { TIERS } from '../model/tiers';
import type { RevisionSource } from './revision-synthesis';

/**
 * The schemas of the files a synthesis leaves for later commands and jobs (`--reuse-synth`
 * reads them from a downloaded work directory): the stack index `lz-stacks.json` and the
 * record `syntheses.json`. The base revision's index is written by that revision's own code,
 * so fields this code does not read are allowed; the ones it reads are checked, and a stack
 * file must be a path inside the synthesis.
 */
const STACK_NAME = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { error: 'a stack name (lowercase letters, digits and hyphens)' });

/** A stack of the index; a sparse synthesis lists every stack but writes (`file`) only some. */
export interface IndexEntry extends StackSpec {
  readonly file?: string;
  readonly resources?: number;
  readonly fingerprint?: string;
}

export const STACK_INDEX: DocumentKind<{ stacks: IndexEntry[] }> = {
  expected: 'a stack index (lz-stacks.json, written by lz synth)',
  schema: z
    .object({
      stacks: z.array(
        z
          .object({
            name: STACK_NAME,
            kind: z.enum(['bootstrap', 'organization', 'platform', 'account', 'tenant'] as const satisfies ReadonlyArray<StackKind>),
            target: z.enum(['management', 'platform', 'tenant'] as const satisfies ReadonlyArray<StackTarget>),
            tenantId: z.string().optional(),
            tier: z.enum(TIERS).optional(),
            stateKey: z.string().min(1),
            dependsOn: z.array(STACK_NAME),
            wave: z.number().int().min(0).max(100),
            approvalEnvironment: z.string().optional(),
            file: z.string().regex(/^stacks\/[a-z0-9][a-z0-9-]*\/[^/\\]+\.json$/, { error: 'a stack file inside the synthesis (stacks/<name>/cdk.tf.json)' }).optional(),
            resources: z.number().int().nonnegative().optional(),
            fingerprint: z.string().regex(/^[0-9a-f]{64}$/, { error: 'a stack fingerprint (64 hex digits)' }).optional(),
          })
          .loose(),
      ),
    })
    .loose(),
};

export interface SynthesisRecord {
  readonly baseRef: string;
  readonly baseCommit: string;
  readonly baseSource: RevisionSource;
  readonly headCommit?: string;
  readonly headDirty: boolean;
  readonly settings: string;
  readonly tenants: string;
}

export const SYNTHESIS_RECORD: DocumentKind<SynthesisRecord> = {
  expected: 'the record of lz affected (syntheses.json)',
  schema: z.strictObject({
    baseRef: z.string().min(1),
    baseCommit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, { error: 'a full git commit id' }),
    baseSource: z.enum(['worktree', 'manifests-only', 'same-code', 'absent'] as const satisfies ReadonlyArray<RevisionSource>),
    headCommit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, { error: 'a full git commit id' }).optional(),
    headDirty: z.boolean(),
    settings: z.string(),
    tenants: z.string(),
  }),
};
