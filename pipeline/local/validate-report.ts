import * as path from 'path';
import { LocatedDiagnostic } from './batch-root';
import { describeProviders, shortSource } from './toolchain';
import { ValidateResult } from './validate';

/**
 * tf-validate's text report: each stack with errors or warnings, each diagnostic with its
 * resource address, construct path and the work-copy line; then a note for every provider whose
 * required version was relaxed; the last line is `N of M stacks valid (Terraform X, provider Y)`.
 */
export function renderValidation(r: ValidateResult, cwd: string): string {
  const lines: string[] = [];
  const where = (d: LocatedDiagnostic) => (d.file ? `      at ${path.relative(cwd, d.file)}${d.line ? `:${d.line}` : ''}` : undefined);
  const describe = (d: LocatedDiagnostic) => {
    const what = d.address ? `${d.address}${d.constructPath ? ` (construct ${d.constructPath})` : ''}: ` : '';
    const detail = d.detail ? ` ${d.detail.replace(/\s+/g, ' ').trim()}` : '';
    return [`    ${d.severity === 'error' ? 'Error' : 'Warning'}: ${what}${d.summary}.${detail}`, where(d)].filter(Boolean).join('\n');
  };
  for (const s of r.stacks) {
    if (s.errors.length === 0 && s.warnings.length === 0 && s.valid) continue;
    lines.push(`${s.valid ? '✓' : '✗'} ${s.stack}${s.valid ? ` (${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'})` : s.errors.length === 0 ? ' (its batch failed, see below)' : ''}`);
    for (const d of [...s.errors, ...s.warnings]) lines.push(describe(d));
  }
  if (r.unattributed.length > 0) {
    lines.push('✗ not attributable to one stack:');
    for (const d of r.unattributed) lines.push(describe(d));
  }
  for (const p of r.providers.filter((c) => c.relaxed)) {
    lines.push(`note: the stacks require ${shortSource(p.source)} ${p.required.join(', ')}, which the mirror does not hold; validated against ${p.version} (required_providers relaxed in the work copy only, the synthesized output is unchanged)`);
  }
  lines.push(`validated in ${(r.ms / 1000).toFixed(1)} s (${r.batches} Terraform run${r.batches === 1 ? '' : 's'})${r.providers.length > 0 ? `; providers: ${describeProviders(r.providers)}` : ''}`);
  const valid = r.stacks.filter((s) => s.valid).length;
  lines.push(`${valid} of ${r.stacks.length} stacks valid (${[`Terraform ${r.terraformVersion}`, ...r.providers.map((p) => `${shortSource(p.source)} ${p.version}`)].join(', ')})`);
  return lines.join('\n');
}
