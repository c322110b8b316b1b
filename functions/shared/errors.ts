/**
 * Typed errors of the shared modules. Handlers map them to refusals (HTTP statuses, or an
 * Error thrown back to Cognito); anything else is unexpected and reported as such.
 */

/** The registry has no entry for the tenant. */
export class TenantNotFoundError extends Error {
  constructor(readonly tenantId: string) {
    super(`Tenant ${tenantId} is not registered`);
    this.name = 'TenantNotFoundError';
  }
}

/** The registry item does not have the RegistryEntry shape; a deployment problem, not a user error. */
export class InvalidRegistryEntryError extends Error {
  constructor(
    readonly tenantId: string,
    readonly problems: readonly string[],
  ) {
    super(`Registry entry of tenant ${tenantId} is malformed: ${problems.join('; ')}`);
    this.name = 'InvalidRegistryEntryError';
  }
}

/** Caller input (item id, file name, page size, body) that is not acceptable. */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** A pagination token that is malformed or was issued to another tenant. */
export class InvalidPaginationTokenError extends InvalidInputError {
  constructor() {
    super('nextToken is not valid');
    this.name = 'InvalidPaginationTokenError';
  }
}

/** A conditional write lost: the item already exists, or is not at the expected version. */
export class ItemConflictError extends Error {
  constructor(
    readonly itemId: string,
    readonly expectedVersion: number | undefined,
  ) {
    super(
      expectedVersion === undefined
        ? `Item ${itemId} already exists`
        : `Item ${itemId} does not exist at version ${expectedVersion}`,
    );
    this.name = 'ItemConflictError';
  }
}

/** A write would take the tenant beyond its storage quota. */
export class QuotaExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaExceededError';
  }
}

/** True for the DynamoDB error a failed ConditionExpression produces. */
export function isConditionalCheckFailed(error: unknown): boolean {
  // By name rather than instanceof: bundles and mocks may hold another copy of the SDK class.
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
