import * as fs from 'fs';
import * as path from 'path';

/**
 * Where the settings file and the manifests are read from: the disk, or the files of a git
 * revision held in memory (the base of a change), so that a revision is validated exactly like
 * a working tree without writing it out first. Errors are thrown as Node's are (`code`
 * ENOENT, ENOTDIR), so that readers report both sources the same way.
 */
export interface FileSource {
  /** The entries of a directory; symbolic links count as files, as the tenants listing treats them. */
  readDir(dir: string): ReadonlyArray<SourceEntry>;
  /** Whether `file` is a regular file (following links), and its size. */
  stat(file: string): { readonly isFile: boolean; readonly size: number };
  read(file: string): Buffer;
}

export interface SourceEntry {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}

export const DISK: FileSource = {
  readDir: (dir) => fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, isFile: e.isFile() || e.isSymbolicLink(), isDirectory: e.isDirectory() })),
  stat: (file) => {
    const s = fs.statSync(file);
    return { isFile: s.isFile(), size: s.size };
  },
  read: (file) => fs.readFileSync(file),
};

function errno(code: 'ENOENT' | 'ENOTDIR' | 'EISDIR', file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${file}`), { code });
}

/**
 * Files held in memory under `root`: `files` by path relative to it (`/`-separated), as git
 * lists a revision's files. A directory exists when it holds a file or is named in `dirs`.
 */
export function memoryFiles(root: string, files: ReadonlyMap<string, Buffer>, dirs: ReadonlyArray<string> = []): FileSource {
  const children = new Map<string, Map<string, SourceEntry>>([['', new Map()]]);
  // Registers the folder `parts` and every folder above it, each as an entry of its parent.
  const addDir = (parts: ReadonlyArray<string>) => {
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (!children.has(rel)) children.set(rel, new Map());
      children.get(parts.slice(0, i - 1).join('/'))!.set(parts[i - 1], { name: parts[i - 1], isFile: false, isDirectory: true });
    }
  };
  for (const d of dirs) addDir(d.split('/').filter(Boolean));
  for (const file of files.keys()) {
    const parts = file.split('/');
    const name = parts.pop()!;
    addDir(parts);
    children.get(parts.join('/'))!.set(name, { name, isFile: true, isDirectory: false });
  }
  const relative = (p: string): string | undefined => {
    const rel = path.relative(root, path.resolve(p));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  };
  return {
    readDir: (dir) => {
      const rel = relative(dir);
      const entries = rel === undefined ? undefined : children.get(rel);
      if (!entries) throw errno(rel !== undefined && files.has(rel) ? 'ENOTDIR' : 'ENOENT', dir);
      return [...entries.values()];
    },
    stat: (file) => {
      const rel = relative(file);
      if (rel !== undefined && files.has(rel)) return { isFile: true, size: files.get(rel)!.length };
      if (rel !== undefined && children.has(rel)) return { isFile: false, size: 0 };
      throw errno('ENOENT', file);
    },
    read: (file) => {
      const rel = relative(file);
      if (rel !== undefined && files.has(rel)) return files.get(rel)!;
      throw errno(rel !== undefined && children.has(rel) ? 'EISDIR' : 'ENOENT', file);
    },
  };
}
