import { z } from 'zod';
import { SettingsSchema } from './schema/settings';
import { TenantSchema } from './schema/tenant';
import { TIER_FIELD_RULES, TIERS } from './tiers';

/**
 * JSON Schemas for editors (yaml-language-server), generated from the zod schemas plus the
 * tier table, so that editors flag the same tier mistakes as `lz validate`. Rules that need
 * other files (allow-listed regions, duplicates, history) are only in `lz validate`.
 */
type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, id: string): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return { $schema: json.$schema, $id: id, ...json };
}

export function tenantJsonSchema(): JsonSchema {
  const base = toJsonSchema(TenantSchema, 'https://tenant-landing-zone.local/schemas/tenant.schema.json');
  const tierClauses = TIERS.map((tier) => {
    const rule = TIER_FIELD_RULES[tier];
    return {
      if: { properties: { tier: { const: tier } }, required: ['tier'] },
      then: {
        ...(rule.required.length ? { required: [...rule.required] } : {}),
        ...(rule.forbidden.length ? { properties: Object.fromEntries(rule.forbidden.map((f) => [f, false])) } : {}),
      },
    };
  });
  const statusClauses = [
    { if: { properties: { status: { const: 'offboarding' } }, required: ['status'] }, then: { required: ['offboarding'] }, else: { properties: { offboarding: false } } },
  ];
  return { ...base, allOf: [...tierClauses, ...statusClauses] };
}

export function settingsJsonSchema(): JsonSchema {
  return toJsonSchema(SettingsSchema, 'https://tenant-landing-zone.local/schemas/landing-zone.schema.json');
}

/** The generated files and their contents (stable formatting, trailing newline). */
export function generatedSchemaFiles(): Record<string, string> {
  return {
    'tenants/tenant.schema.json': `${JSON.stringify(tenantJsonSchema(), null, 2)}\n`,
    'landing-zone.schema.json': `${JSON.stringify(settingsJsonSchema(), null, 2)}\n`,
  };
}
