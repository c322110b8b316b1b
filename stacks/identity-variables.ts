/**
 * Terraform variables that name the role a provider assumes in its account. The default is the
 * role that applies (the deployment role, or an L3 tenant's footprint role in the platform
 * account); `lz plan` and `lz drift` set every one a stack declares to the read-only plan role
 * (`-var`), so one synthesized stack serves both identities. Plain constants: the pipeline
 * reads them without loading CDKTF.
 */
export const ROLE_VARIABLE = 'lz_role_name';
export const PLATFORM_ROLE_VARIABLE = 'lz_platform_role_name';
export const IDENTITY_VARIABLES: ReadonlyArray<string> = [ROLE_VARIABLE, PLATFORM_ROLE_VARIABLE];
