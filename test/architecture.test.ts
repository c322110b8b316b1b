import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './helpers/fixture';

/**
 * The layout is the architecture: each folder may import only the folders below it, so the
 * manifest model never learns about CDKTF, the isolation contract never about constructs, and a
 * command never about another command. A new folder must be placed here before it can be used.
 */
const LAYERS: Readonly<Record<string, ReadonlyArray<string>>> = {
  format: [],
  git: [],
  terraform: [],
  // Lambda code is bundled on its own: it imports nothing outside functions/.
  functions: [],
  model: ['format', 'git', 'functions/shared/contracts'],
  contract: ['model', 'functions/shared/contracts'],
  modules: ['contract', 'model', 'terraform', 'format', 'functions/shared/contracts'],
  stacks: ['modules', 'contract', 'model', 'terraform', 'format', 'functions/shared/contracts'],
  pipeline: ['stacks', 'model', 'terraform', 'git', 'format', 'contract', 'functions/shared/contracts'],
  audit: ['stacks', 'model', 'terraform', 'contract', 'format', 'git', 'functions/shared/contracts'],
  // Tier moves (lz migrate): the app's own data code, through the same tenant-scoped sessions.
  migration: ['model', 'format', 'functions/shared'],
  // The cost report: Cost Explorer read and attributed to tenants by their profiles.
  cost: ['model', 'format'],
  scripts: ['pipeline', 'audit', 'migration', 'cost', 'stacks', 'modules', 'contract', 'model', 'terraform', 'git', 'format', 'functions/shared/contracts'],
  // Development tools: benchmarks may reuse the tests' state simulator and tier-move fixtures.
  bench: ['scripts', 'pipeline', 'audit', 'migration', 'cost', 'stacks', 'modules', 'contract', 'model', 'terraform', 'git', 'format', 'functions', 'test/helpers', 'test/migration/support'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every relative import of every source file outside test/, as repository-relative paths. */
function imports(): Edge[] {
  const edges: Edge[] = [];
  for (const top of Object.keys(LAYERS)) {
    const dir = path.join(REPO_ROOT, top);
    if (!fs.existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        edges.push({ from: path.relative(REPO_ROOT, file), to: path.relative(REPO_ROOT, path.resolve(path.dirname(file), m[1])) });
      }
    }
  }
  return edges;
}

function allowed(from: string, to: string): boolean {
  const fromTop = from.split('/')[0];
  const toTop = to.split('/')[0];
  if (fromTop === toTop) return true;
  return (LAYERS[fromTop] ?? []).some((layer) => to === layer || to.startsWith(`${layer}/`) || toTop === layer);
}

describe('architecture', () => {
  const edges = imports();

  test('the scan sees the code (a broken scan cannot pass the rules below)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((e) => e.from.startsWith('stacks/') && e.to.startsWith('modules/'))).toBe(true);
  });

  test('imports point down the layers', () => {
    expect(edges.filter((e) => !allowed(e.from, e.to)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  test('every top-level source folder is placed in a layer', () => {
    const tops = fs
      .readdirSync(REPO_ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'test', 'tenants', 'cdktf.out', 'audit-report', 'coverage'].includes(e.name))
      .filter((e) => sourceFiles(path.join(REPO_ROOT, e.name)).length > 0)
      .map((e) => e.name);
    expect(tops.filter((t) => !(t in LAYERS))).toEqual([]);
  });

  test('no command imports another command; commands share code through scripts/ helpers and the use-case folders', () => {
    const commandEdges = edges.filter((e) => e.from.startsWith('scripts/commands/') && e.to.startsWith('scripts/commands/'));
    expect(commandEdges.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  test('the manifest model has no CDKTF and no provider import', () => {
    const offenders = sourceFiles(path.join(REPO_ROOT, 'model')).filter((f) => /from ['"](cdktf|constructs|@cdktf\/)/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(REPO_ROOT, f))).toEqual([]);
  });

  test('provider classes are imported by deep path, never from the package root', () => {
    const all = Object.keys(LAYERS).flatMap((top) => (fs.existsSync(path.join(REPO_ROOT, top)) ? sourceFiles(path.join(REPO_ROOT, top)) : []));
    const offenders = all.filter((f) => /from ['"]@cdktf\/provider-aws['"]/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(REPO_ROOT, f))).toEqual([]);
  });
});
