/* eslint-disable @typescript-eslint/no-require-imports */
import type { TerraformStack } from 'cdktf';

/**
 * CDKTF work that does not change what this landing zone's synthesis writes, skipped while it
 * synthesizes (cdktf is pinned to an exact version; `test/stacks/lean-synthesis.test.ts`
 * synthesizes with and without these shortcuts and compares the bytes):
 *
 * | CDKTF does | skipped because | share of synthesis time (1,000 tenants) |
 * |---|---|---|
 * | capture a stack trace for every token, only to quote it in an error about that token | the JSON never holds it; real errors keep their stack | about a fifth (measured before the rest) |
 * | resolve every element once in a "preparing" pass, to find cross-stack references | the stacks never reference each other's constructs (they read remote state); a cross-stack reference throws instead of resolving silently | about 30 % |
 * | resolve the whole stack again after merging the resolved elements | what it merges is already resolved; the stack's own overrides are resolved once when they hold a token | about 20 % |
 */
export interface CdktfShortcuts {
  /** @default true */
  readonly tokenStackTraces?: boolean;
  /** @default true */
  readonly repeatedResolution?: boolean;
}

type Resolve = (scope: unknown, obj: unknown, preparing?: boolean) => unknown;

export function withCdktfShortcuts<T>(fn: () => T, shortcuts: CdktfShortcuts = {}): T {
  const undo: Array<() => void> = [];
  try {
    if (shortcuts.tokenStackTraces !== false) undo.push(skipTokenStackTraces());
    if (shortcuts.repeatedResolution !== false) undo.push(skipRepeatedResolution());
    return fn();
  } finally {
    for (const u of undo.reverse()) u();
  }
}

function skipTokenStackTraces(): () => void {
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
  const capture = traces.captureStackTrace;
  const original = Error.prepareStackTrace;
  traces.captureStackTrace = () => [];
  Error.prepareStackTrace = (target, frames) => {
    if (!(target instanceof Error)) return '';
    return original ? original(target, frames) : `${target}\n${frames.map((f) => `    at ${f}`).join('\n')}`;
  };
  return () => {
    traces.captureStackTrace = capture;
    Error.prepareStackTrace = original;
  };
}

interface StackInternals {
  ensureBackendExists(): void;
  prepareStack(): void;
  readonly rawOverrides: Record<string, unknown>;
}

interface ReferenceInternals {
  resolve(context: { scope: unknown; preparing: boolean }): unknown;
  readonly originStack?: TerraformStack;
  readonly crossStackIdentifier: Record<string, string>;
}

function skipRepeatedResolution(): () => void {
  const { TerraformStack: Stack } = require('cdktf') as typeof import('cdktf');
  const tokens = require('cdktf/lib/_tokens') as { resolve: Resolve };
  const expressions = require('cdktf/lib/tfExpression') as { ref: (identifier: string, stack?: unknown) => object };
  const stackProto = Stack.prototype as unknown as StackInternals;
  const referenceProto = Object.getPrototypeOf(expressions.ref('lz')) as ReferenceInternals;
  const prepareStack = stackProto.prepareStack;
  const resolve = tokens.resolve;
  const resolveReference = referenceProto.resolve;

  stackProto.prepareStack = function (this: StackInternals) {
    this.ensureBackendExists();
  };
  referenceProto.resolve = function (this: ReferenceInternals, context) {
    const here = Stack.of(context.scope as never);
    if (this.originStack && this.originStack !== here && !this.crossStackIdentifier[here.toString()]) {
      throw new Error(`${here.node.id} references a construct of stack ${this.originStack.node.id}: the landing zone's stacks read each other's outputs through remote state, never through cross-stack references`);
    }
    return resolveReference.call(this, context);
  };
  tokens.resolve = function (scope, obj, preparing = false) {
    // The stack's last pass (TerraformStack.toTerraform): its elements were resolved one by one
    // just before; only its own overrides may still hold a token.
    if (!preparing && Stack.isStack(scope) && isStackConfiguration(obj)) {
      const overrides = (scope as unknown as StackInternals).rawOverrides;
      if (JSON.stringify(resolve(scope, overrides)) === JSON.stringify(overrides)) return obj;
    }
    return resolve(scope, obj, preparing);
  };
  return () => {
    stackProto.prepareStack = prepareStack;
    referenceProto.resolve = resolveReference;
    tokens.resolve = resolve;
  };
}

/** The merged configuration TerraformStack.toTerraform resolves last: the only object with the stack's `//` metadata at its top. */
function isStackConfiguration(obj: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const meta = (obj as Record<string, unknown>)['//'] as Record<string, unknown> | undefined;
  return typeof meta === 'object' && meta !== null && 'metadata' in meta && 'outputs' in meta;
}
