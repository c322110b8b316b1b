import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generatedManifest, writeTenantSet } from '../../bench/tenant-set';
import { lz } from '../helpers/cli';
import { Fixture, FIXTURE_TENANTS, REPO_ROOT } from '../helpers/fixture';
import { tempDir } from '../helpers/synth';
import { commitAll, fixtureArgs, git, gitFixture } from './helpers';

interface AffectedJson {
  base: { ref: string; commit: string; source: string };
  summary: Record<string, number>;
  stacks: Array<{ name: string; change: string; tenantId?: string; approval?: { environment: string; approvers: string[] } }>;
}

describe('lz affected on a generated tenant set (manifests in their own repository)', () => {
  let fx: Fixture;
  const N = 30;
  beforeAll(() => {
    fx = gitFixture({});
    writeTenantSet(fx.tenantsDir, N);
    commitAll(fx.root, `${N} tenants`);
  });
  afterAll(() => fx.cleanup());

  test.each([
    ['L1', [['tenant-t00030-l1', 'added']]],
    ['L2', [['account-t00030-l2', 'added'], ['tenant-t00030-l2', 'added']]],
    ['L3', [['account-t00030-l3', 'added'], ['tenant-t00030-l3', 'added']]],
  ])('adding one %s tenant affects only its own stacks', async (tier, expected) => {
    const m = generatedManifest(N, tier as 'L1' | 'L2' | 'L3');
    const file = fx.write(`${m.id}.yaml`, m);
    try {
      const r = await lz([...fixtureArgs(fx), 'affected', '--format', 'json'], fx.root);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as AffectedJson;
      expect(doc.stacks.map((s) => [s.name, s.change])).toEqual(expected);
      expect(doc.base).toMatchObject({ ref: 'HEAD', source: 'manifests-only' });
      expect(doc.summary.unchanged).toBe(doc.summary.headStacks - expected.length);
      // the account stack (the account and the tenant's pipeline identities) is the platform's; the tenant stack waits for approval
      if (tier === 'L3') expect(doc.stacks.map((s) => s.approval?.environment)).toEqual([undefined, `tenant-${m.id}`]);
    } finally {
      fs.rmSync(file);
    }
  });

  test('changing one manifest affects that tenant only; removing an offboarded one lists its stacks as removed', async () => {
    const id = 't00025-l2';
    const original = fs.readFileSync(path.join(fx.tenantsDir, `${id}.yaml`), 'utf8');
    try {
      fx.write(`${id}.yaml`, original.replace('displayName: Generated tenant 25', 'displayName: Renamed tenant 25') + 'tags:\n  CostCenter: cc-25\n');
      const r = await lz([...fixtureArgs(fx), 'affected', '--format', 'json'], fx.root);
      const doc = JSON.parse(r.stdout) as AffectedJson;
      expect(doc.stacks.length).toBeGreaterThan(0);
      expect(new Set(doc.stacks.map((s) => s.tenantId))).toEqual(new Set([id]));
      expect(doc.stacks.every((s) => s.change === 'changed')).toBe(true);
    } finally {
      fx.write(`${id}.yaml`, original);
    }
    // Offboard a tenant in one commit, remove its manifest in the next.
    const gone = 't00010-l1';
    const text = fs.readFileSync(path.join(fx.tenantsDir, `${gone}.yaml`), 'utf8');
    fx.write(`${gone}.yaml`, text.replace('status: active', 'status: offboarding') + 'offboarding:\n  requestedOn: 2026-01-05\n  retentionDays: 30\n');
    commitAll(fx.root, 'offboard');
    try {
      fx.remove(`${gone}.yaml`);
      const r = await lz([...fixtureArgs(fx), 'affected', '--format', 'json'], fx.root);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as AffectedJson).stacks.map((s) => [s.name, s.change])).toEqual([[`tenant-${gone}`, 'removed']]);
    } finally {
      git(fx.root, 'reset', '-q', '--hard', 'HEAD~1');
    }
  });

  test('text, matrix and $GITHUB_OUTPUT forms', async () => {
    const a = generatedManifest(N + 1, 'L3');
    const b = generatedManifest(N + 2, 'L1');
    fx.write(`${a.id}.yaml`, a);
    fx.write(`${b.id}.yaml`, b);
    try {
      const text = await lz([...fixtureArgs(fx), 'affected'], fx.root);
      expect(text.stdout).toMatch(/^Affected stacks: 3 \(3 added, 0 changed, 0 removed; \d+ unchanged\)/);
      expect(text.stdout).toMatch(/\+ {2}account-t00031-l3 {2}account {2}L3 {4}2 {5}-\n/);
      expect(text.stdout).toMatch(/\+ {2}tenant-t00031-l3 {3}tenant {3}L3 {4}3 {5}tenant-t00031-l3\n/);
      const out = path.join(fx.root, '.lz', 'github-output');
      const matrix = await lz([...fixtureArgs(fx), 'affected', '--format', 'matrix', '--max-jobs', '2', '--github-output', out, '--reuse-synth'], fx.root);
      expect(matrix.code).toBe(1); // the working tree is dirty: the synthesis cannot be reused
      expect(matrix.stderr).toMatch(/--reuse-synth: .*uncommitted changes/);
      const m2 = await lz([...fixtureArgs(fx), 'affected', '--format', 'matrix', '--max-jobs', '2', '--github-output', out], fx.root);
      expect(JSON.parse(m2.stdout)).toEqual({ include: [{ id: 'stacks-1', stacks: 'account-t00031-l3 tenant-t00031-l3' }, { id: 'stacks-2', stacks: 'tenant-t00032-l1' }] });
      const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
      expect(lines).toEqual([
        'count=2',
        `matrix=${m2.stdout.trim()}`,
        'approval-count=1',
        `approval-matrix=${JSON.stringify({ include: [{ tenant: 't00031-l3', environment: 'tenant-t00031-l3', stacks: 'tenant-t00031-l3' }] })}`,
      ]);
    } finally {
      fx.remove(`${a.id}.yaml`);
      fx.remove(`${b.id}.yaml`);
    }
  });

  test('errors name the problem: unknown revision, no repository', async () => {
    const bad = await lz([...fixtureArgs(fx), '--base', 'no-such-branch', 'affected'], fx.root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--base no-such-branch: no such git revision in .*fetch-depth: 0/);
    const plain = tempDir();
    fs.cpSync(fx.root, plain, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
    const none = await lz(['--settings', path.join(plain, 'landing-zone.yaml'), '--tenants', path.join(plain, 'tenants'), '--no-history', 'affected'], plain);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/is not inside a git repository: the base revision "HEAD" cannot be read/);
  });
});

describe('lz affected on a clone of this repository: the base revision is synthesized by its own code', () => {
  let root: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'scripts', 'lz.ts'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(root, 'tsconfig.json'), LZ_BASE_REF: 'HEAD' },
    });
    if (r.status !== 0) throw new Error(`lz ${args[0]} failed (exit ${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const affected = () => JSON.parse(run('affected', '--format', 'json')) as AffectedJson;
  /** Stacks whose cdk.tf.json differ byte for byte: an oracle independent of the normalization. */
  const differing = () => {
    const dir = (side: string) => path.join(root, '.lz', 'pipeline', side, 'stacks');
    const names = new Set([...fs.readdirSync(dir('base')), ...fs.readdirSync(dir('head'))]);
    const read = (side: string, n: string) => (fs.existsSync(path.join(dir(side), n, 'cdk.tf.json')) ? fs.readFileSync(path.join(dir(side), n, 'cdk.tf.json'), 'utf8') : '');
    return [...names].filter((n) => read('base', n) !== read('head', n)).sort();
  };

  beforeAll(() => {
    root = tempDir('lz-clone-');
    const skip = new Set(['node_modules', '.git', 'cdktf.out', '.lz', 'coverage', 'test-artifacts']);
    for (const entry of fs.readdirSync(REPO_ROOT)) if (!skip.has(entry)) fs.cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
    // The clone's tenants are the tests' own set, not whatever `tenants/` holds today.
    fs.rmSync(path.join(root, 'tenants'), { recursive: true });
    fs.cpSync(FIXTURE_TENANTS, path.join(root, 'tenants'), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    git(root, 'init', '-q');
    commitAll(root, 'clone of the working tree');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a code change that changes no output affects nothing; one that changes a Lambda bundle affects exactly the stacks whose output changed', () => {
    const rules = path.join(root, 'modules', 'stack-rules.ts');
    fs.appendFileSync(rules, '\n// A comment changes no synthesized output.\n');
    const none = affected();
    expect(none.base.source).toBe('worktree');
    expect(none.stacks).toEqual([]);
    commitAll(root, 'comment');

    const fn = fs.readdirSync(path.join(root, 'functions')).find((d) => fs.existsSync(path.join(root, 'functions', d, 'handler.ts')));
    expect(fn).toBeDefined();
    fs.appendFileSync(path.join(root, 'functions', fn!, 'handler.ts'), '\nexport const pipelineProbe = "changed bundle";\n');
    const some = affected();
    const oracle = differing();
    expect(oracle.length).toBeGreaterThan(0);
    expect(some.stacks.map((s) => s.name).sort()).toEqual(oracle);
    expect(some.stacks.every((s) => s.change === 'changed')).toBe(true);
    // The worktree is gone again.
    expect(git(root, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('a manifest-only change: the base is synthesized by the same code, and the pull-request chain affected → plan → report --expect reads its own documents back', () => {
    commitAll(root, 'whatever the tests before left changed');
    const file = path.join(root, 'tenants', fs.readdirSync(path.join(root, 'tenants')).find((f) => f.endsWith('.yaml'))!);
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, original.replace(/^displayName: .*$/m, 'displayName: Renamed for the report chain'));
      const out = path.join(root, '.lz', 'chain');
      fs.mkdirSync(out, { recursive: true });
      const doc = affected();
      expect(doc.base.source).toBe('same-code');
      expect(doc.stacks.length).toBeGreaterThan(0);
      fs.writeFileSync(path.join(out, 'affected.json'), JSON.stringify(doc));
      run('plan', '--affected', '--offline', '--report-json', path.join(out, 'plan.json'));
      const summary = run('report', path.join(out, 'plan.json'), '--expect', path.join(out, 'affected.json'), '--format', 'text');
      for (const s of doc.stacks) expect(summary).toContain(s.name);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
