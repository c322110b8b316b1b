/**
 * Whether this app may act for a tenant: the one decision every function makes before it
 * issues a token, records a user, authorizes a request or touches data. A tenant is served
 * only by the app its registry entry names (model/profile.ts decides which) and only while it
 * is active.
 */
import type { AppHost, RegistryEntry } from './contracts';

/** Why the app refuses the tenant (for the logs, never for the caller), or undefined. */
export function refusalOf(entry: RegistryEntry, app: AppHost): string | undefined {
  if (entry.servedBy !== app) return `tenant is served by the ${entry.servedBy === 'tenant' ? "tenant's own" : 'platform'} app, not this (${app}) app`;
  if (entry.status !== 'active') return `tenant is ${entry.status}`;
  return undefined;
}

/**
 * A sign-in to the shared pool of a tenant whose users are moving to its own pool (the platform
 * registry entry names the tenant's app and says `usersMovingOut`): the user migration trigger
 * of the tenant's pool checking a password. The shared app lets it through but records nothing
 * and issues no tenant claims and no API scope: the tokens open nothing.
 */
export function passwordCheckOnly(entry: RegistryEntry, app: AppHost): boolean {
  return app === 'platform' && entry.servedBy === 'tenant' && entry.usersMovingOut === true && entry.status === 'active';
}
