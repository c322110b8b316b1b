import { stableStringify } from '../../format/stable-json';
import { AuditReport } from '../model';

/**
 * The audit as data: the AuditReport itself, pretty-printed with object keys sorted at every
 * level (the project's stable JSON), so the same report always gives the same bytes however
 * its objects were built. Arrays keep the model's order.
 */
export function renderJson(report: AuditReport): string {
  return `${stableStringify(report)}\n`;
}
