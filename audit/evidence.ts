import { EvidenceSource } from './model';

/**
 * Evidence the rules read, the same shape whatever it came from: a state file (version 4), the
 * output of `terraform show -json`, or the synthesized configuration (desired state). Values
 * are as the source has them: resolved in state, `${...}` references in desired state; the
 * rules resolve references through `StackEvidence` (see references.ts).
 */
export interface ResourceRecord {
  readonly stack: string;
  /** `type.name`, with `[index]` for counted instances and `module.<name>.` in front inside a module. */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** `aws` or `aws.<alias>` where the source records the alias (state, desired state). */
  readonly provider?: string;
  /** The module the resource is declared in (`module.x`), absent in the root module. */
  readonly module?: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface StackEvidence {
  readonly stack: string;
  readonly source: EvidenceSource;
  /** File or S3 key it was read from. */
  readonly input: string;
  /** The backend key the stack's state lives under (desired: from the backend block; state: where it was read). */
  readonly stateKey?: string;
  readonly resources: ReadonlyArray<ResourceRecord>;
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Provider configurations (desired state only: state does not record them). */
  readonly providers?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** Evidence could not be read; rules that need it report `error`, other tenants carry on. */
export class EvidenceError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`${input}: ${message}`);
    this.name = 'EvidenceError';
  }
}

export function managed(stack: StackEvidence, type: string): ResourceRecord[] {
  return stack.resources.filter((r) => r.mode === 'managed' && r.type === type);
}

export function dataSources(stack: StackEvidence, type: string): ResourceRecord[] {
  return stack.resources.filter((r) => r.mode === 'data' && r.type === type);
}
