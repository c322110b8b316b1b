/** Reading the environment the stacks set (names in contracts.ts ENV). */
import { APP_HOSTS, ENV, type AppHost } from './contracts';

export type EnvSource = Readonly<Record<string, string | undefined>>;

export function requireEnv(name: string, source: EnvSource = process.env): string {
  const value = source[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Environment variable ${name} is not set`);
  }
  return value;
}

/** The app this function belongs to (ENV.APP_HOST), `platform` or `tenant`. */
export function appHostFromEnv(source: EnvSource = process.env): AppHost {
  const value = requireEnv(ENV.APP_HOST, source);
  if (!(APP_HOSTS as ReadonlyArray<string>).includes(value)) throw new Error(`Environment variable ${ENV.APP_HOST} must be one of ${APP_HOSTS.join(', ')}`);
  return value as AppHost;
}
