/** Reading the environment the stacks set (names in contracts.ts ENV). */

export type EnvSource = Readonly<Record<string, string | undefined>>;

export function requireEnv(name: string, source: EnvSource = process.env): string {
  const value = source[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Environment variable ${name} is not set`);
  }
  return value;
}
