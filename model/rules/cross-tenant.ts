import { Diagnostic } from '../diagnostics';
import { TenantDocument } from '../load';
import { locatedError } from '../yaml-source';
import { stringAt } from './raw';

/**
 * Checks across all manifests: values that must be unique in the organization. Each clash is
 * reported at every place it occurs, naming the other places, so whichever file the reader
 * opens tells the whole story.
 */
interface Occurrence {
  readonly doc: TenantDocument;
  readonly path: ReadonlyArray<string>;
  readonly value: string;
}

function reportDuplicates(
  docs: ReadonlyArray<TenantDocument>,
  path: ReadonlyArray<string>,
  code: string,
  what: string,
  normalize: (v: string) => string = (v) => v,
): Diagnostic[] {
  const groups = new Map<string, Occurrence[]>();
  for (const doc of docs) {
    const value = stringAt(doc.raw, path);
    if (value === undefined) continue;
    const key = normalize(value);
    const list = groups.get(key) ?? [];
    list.push({ doc, path, value });
    groups.set(key, list);
  }
  const out: Diagnostic[] = [];
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    for (const occ of list) {
      const others = list
        .filter((o) => o !== occ)
        .map((o) => {
          const at = locatedError(o.doc.source, o.path, code, '');
          return `${at.file}:${at.line}`;
        });
      out.push(locatedError(occ.doc.source, occ.path, code, `${what} "${occ.value}" is also used in ${others.join(', ')}`, `a ${what} that no other tenant uses`));
    }
  }
  return out;
}

export function checkAcrossTenants(docs: ReadonlyArray<TenantDocument>): Diagnostic[] {
  return [
    ...reportDuplicates(docs, ['id'], 'duplicate-id', 'tenant id'),
    ...reportDuplicates(docs, ['account', 'email'], 'duplicate-email', 'account e-mail', (e) => e.toLowerCase()),
    ...reportDuplicates(docs, ['account', 'id'], 'duplicate-account', 'AWS account id'),
    ...reportDuplicates(docs, ['encryption', 'keyArn'], 'duplicate-key', 'BYOK key ARN'),
  ];
}
