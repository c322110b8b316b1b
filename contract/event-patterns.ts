import { EVENT_SOURCE } from '../functions/shared/contracts';

/**
 * The event patterns that decide where a tenant's events go. Events from a tenant account are
 * matched by `account`, which AWS sets and no sender can forge; `detail.tenantId` is only
 * trusted on events the platform account itself published (the platform app sets it from
 * verified token claims), so every pattern that reads it also pins `account` to the platform.
 */
export type EventPattern = Record<string, unknown>;

/** Events the platform app published about one tenant. */
export function platformEventsFor(platformAccountId: string, tenantId: string): EventPattern {
  return { source: [EVENT_SOURCE], account: [platformAccountId], detail: { tenantId: [tenantId] } };
}

/** Events that originate in a tenant's own account (its app, forwarded from its bus). */
export function eventsFromAccount(accountId: string): EventPattern {
  return { account: [accountId] };
}
