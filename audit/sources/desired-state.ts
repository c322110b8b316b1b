import { ResourceRecord, StackEvidence } from '../evidence';

/** Evidence from a synthesized stack (cdk.tf.json): the desired state. */
export function evidenceFromConfig(stack: string, input: string, config: Record<string, any>): StackEvidence {
  const resources: ResourceRecord[] = [];
  for (const [mode, key] of [
    ['managed', 'resource'],
    ['data', 'data'],
  ] as const) {
    for (const [type, byName] of Object.entries((config[key] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [name, block] of Object.entries(byName)) {
        const { provider, ...values } = block;
        delete (values as Record<string, unknown>)['//'];
        resources.push({ stack, address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`, mode, type, name, provider: typeof provider === 'string' ? provider : 'aws', values });
      }
    }
  }
  const outputs = Object.fromEntries(Object.entries((config.output ?? {}) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
  const providers = ((config.provider?.aws ?? []) as Array<Record<string, unknown>>).map((p) => ({ ...p }));
  return { stack, source: 'desired', input, stateKey: config.terraform?.backend?.s3?.key, resources, outputs, providers };
}
