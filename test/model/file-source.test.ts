import * as fs from 'fs';
import * as path from 'path';
import { memoryFiles } from '../../model/file-source';
import { validateLandingZone } from '../../model/validate';
import { fingerprintedInventory } from '../../model/fingerprint';
import { l1, l2, l3, makeFixture, toYaml } from '../helpers/fixture';

/**
 * The base revision of a change is validated from memory (git's blobs), not written out first:
 * the same files must give the same findings and the same landing zone as on disk, whatever
 * the directory holds (subfolders, stray files, broken manifests, no tenants folder at all).
 */
function filesUnder(root: string, rel = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of filesUnder(root, p)) out.set(k, v);
    else out.set(p, fs.readFileSync(path.join(root, p)));
  }
  return out;
}

function bothWays(fixture: ReturnType<typeof makeFixture>) {
  const disk = validateLandingZone({ settingsFile: fixture.settingsFile, tenantsDir: fixture.tenantsDir, baseRef: false, cwd: fixture.root });
  const memory = validateLandingZone({
    settingsFile: fixture.settingsFile,
    tenantsDir: fixture.tenantsDir,
    baseRef: false,
    cwd: fixture.root,
    files: memoryFiles(fixture.root, filesUnder(fixture.root), ['tenants']),
  });
  return { disk, memory };
}

describe('a revision validated from memory reads as the same files on disk', () => {
  test('a valid landing zone: same tenants, same fingerprints', () => {
    const fixture = makeFixture({ tenants: { 'alpha.yaml': l1('alpha'), 'bravo.yaml': l2('bravo'), 'charlie.yaml': l3('charlie') } });
    try {
      const { disk, memory } = bothWays(fixture);
      expect(disk.landingZone?.tenants).toHaveLength(3);
      expect(memory.diagnostics).toEqual(disk.diagnostics);
      expect(memory.landingZone?.tenants.map((t) => t.manifest)).toEqual(disk.landingZone?.tenants.map((t) => t.manifest));
      expect(fingerprintedInventory(memory.landingZone!, 'code')).toEqual(fingerprintedInventory(disk.landingZone!, 'code'));
    } finally {
      fixture.cleanup();
    }
  });

  test('subfolders, stray files and broken manifests give the same findings', () => {
    const fixture = makeFixture({ tenants: { 'alpha.yaml': l1('alpha'), 'bravo.yaml': 'id: [\n', 'charlie.yml': toYaml(l1('other-id')), 'notes.txt': 'x', '.hidden.yaml': 'x' } });
    try {
      fs.mkdirSync(path.join(fixture.tenantsDir, 'archive'));
      fs.writeFileSync(path.join(fixture.tenantsDir, 'archive', 'd.yaml'), toYaml(l1('delta')));
      const { disk, memory } = bothWays(fixture);
      expect(disk.diagnostics.length).toBeGreaterThan(2);
      expect(memory.diagnostics).toEqual(disk.diagnostics);
      expect(memory.landingZone).toBeUndefined();
    } finally {
      fixture.cleanup();
    }
  });

  test('an empty tenants folder is an empty landing zone; a missing settings file is named', () => {
    const fixture = makeFixture();
    try {
      const { disk, memory } = bothWays(fixture);
      expect(memory.diagnostics).toEqual(disk.diagnostics);
      expect(memory.landingZone?.tenants).toEqual([]);
      const files = memoryFiles(fixture.root, new Map(), ['tenants']);
      const missing = validateLandingZone({ settingsFile: fixture.settingsFile, tenantsDir: fixture.tenantsDir, baseRef: false, cwd: fixture.root, files });
      expect(missing.diagnostics[0]).toMatchObject({ file: 'landing-zone.yaml', message: 'file does not exist' });
    } finally {
      fixture.cleanup();
    }
  });

  test('reads outside the root, or of a folder as a file, fail as the disk does', () => {
    const files = memoryFiles('/r', new Map([['t/a.yaml', Buffer.from('id: a\n')]]));
    expect(files.read('/r/t/a.yaml').toString()).toBe('id: a\n');
    expect(() => files.read('/elsewhere/a.yaml')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => files.read('/r/t')).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(() => files.readDir('/r/t/a.yaml')).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => files.readDir('/r/u')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(files.readDir('/r')).toEqual([{ name: 't', isFile: false, isDirectory: true }]);
    expect(files.stat('/r/t/a.yaml')).toEqual({ isFile: true, size: 6 });
  });
});
