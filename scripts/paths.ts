import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './cli-error';

/**
 * The paths users pass to `lz`, checked before any work is done: each problem is one line that
 * names the flag, the path and what would be valid (exit 1), never a stack trace from deep inside
 * a command after minutes of synthesis. Output folders and the folders of output files are
 * created when missing, as every output of `lz` is.
 */
function problem(flag: string, shown: string, what: string): CliError {
  return new CliError(`${flag} ${shown}: ${what}`);
}

function stat(file: string): fs.Stats | undefined | NodeJS.ErrnoException {
  try {
    return fs.statSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'ENOENT' ? undefined : err;
  }
}

function reason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ELOOP':
      return 'the path is a loop of symbolic links';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return `${e.code ?? 'error'}: ${e.message}`;
  }
}

/** A path the command reads: it exists, is of the expected kind and can be read. Returns the absolute path. */
function input(kind: 'file' | 'folder', flag: string, value: string, cwd: string, what: string): string {
  const target = path.resolve(cwd, value);
  const s = stat(target);
  if (s === undefined) throw problem(flag, value, `does not exist (expected ${what})`);
  if (!(s instanceof fs.Stats)) throw problem(flag, value, `cannot be read: ${reason(s)}`);
  if (kind === 'file' ? !s.isFile() : !s.isDirectory()) throw problem(flag, value, `is a ${kind === 'file' ? 'folder' : 'file'}, not ${what}`);
  try {
    if (kind === 'file') fs.closeSync(fs.openSync(target, 'r'));
    else fs.readdirSync(target);
  } catch (e) {
    throw problem(flag, value, `cannot be read: ${reason(e as NodeJS.ErrnoException)}`);
  }
  return target;
}

/** A file the command reads. */
export function inputFile(flag: string, value: string, cwd: string, what = 'a file'): string {
  return input('file', flag, value, cwd, what);
}

/** A folder the command reads (it can be listed). */
export function inputFolder(flag: string, value: string, cwd: string, what = 'a folder'): string {
  return input('folder', flag, value, cwd, what);
}

/** The nearest folder that exists on the way up from `dir`, checked to be a writable folder. */
function writableAncestor(flag: string, value: string, dir: string): void {
  let at = dir;
  for (;;) {
    const s = stat(at);
    if (s instanceof fs.Stats) {
      if (!s.isDirectory()) throw problem(flag, value, `cannot be written: ${at} is a file, not a folder`);
      break;
    }
    if (s !== undefined) throw problem(flag, value, `cannot be written: ${reason(s)}`);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    fs.accessSync(at, fs.constants.W_OK);
  } catch (e) {
    throw problem(flag, value, `cannot be written: ${reason(e as NodeJS.ErrnoException)} in ${at}`);
  }
}

/** A folder the command writes into: a folder if it exists, else creatable. Returns the absolute path. */
export function outputFolder(flag: string, value: string, cwd: string): string {
  const dir = path.resolve(cwd, value);
  const s = stat(dir);
  if (s !== undefined && !(s instanceof fs.Stats)) throw problem(flag, value, `cannot be written: ${reason(s)}`);
  if (s instanceof fs.Stats && !s.isDirectory()) throw problem(flag, value, 'is a file, not a folder (name a folder, or a path that does not exist yet)');
  writableAncestor(flag, value, dir);
  return dir;
}

/** A file the command writes: a file if it exists, its folder creatable. Returns the absolute path. */
export function outputFile(flag: string, value: string, cwd: string): string {
  const file = path.resolve(cwd, value);
  const s = stat(file);
  if (s !== undefined && !(s instanceof fs.Stats)) throw problem(flag, value, `cannot be written: ${reason(s)}`);
  if (s instanceof fs.Stats && s.isDirectory()) throw problem(flag, value, 'is a folder, not a file (name the file to write)');
  if (s === undefined) {
    writableAncestor(flag, value, path.dirname(file));
    return file;
  }
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch (e) {
    throw problem(flag, value, `cannot be written: ${reason(e as NodeJS.ErrnoException)}`);
  }
  return file;
}

/** Writes a file the user named (checked with outputFile), creating its folder. */
export function writeOutputFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
