import * as fs from 'fs';
import * as path from 'path';
import { StackSpec } from '../model/inventory';
import { DocumentError, parseDocument } from '../format/json-document';
import { STACK_INDEX_FILE } from '../stacks/synthesize';
import { STACK_INDEX } from './synthesis-schema';

/**
 * One stack as the stack index (`lz-stacks.json`) lists it. A sparse synthesis lists every stack
 * with its fingerprint but writes the configuration only of some (`file` absent for the rest).
 */
export interface IndexedStack {
  readonly spec: StackSpec;
  /** Absolute path of the stack's cdk.tf.json; absent when this synthesis did not write it. */
  readonly file?: string;
  readonly resources?: number;
  /** Input fingerprint (model/fingerprint.ts); absent in syntheses made by code that predates it. */
  readonly fingerprint?: string;
}

/** The configuration file of a stack this synthesis wrote; throws naming the stack when it did not. */
export function stackFile(stack: IndexedStack, synthesis: Synthesis): string {
  if (stack.file === undefined) throw new Error(`stack ${stack.spec.name} was not written to ${synthesis.dir} (a sparse synthesis writes only the stacks whose inputs changed)`);
  return stack.file;
}

/** A synthesis output directory, read through its stack index. */
export interface Synthesis {
  readonly dir: string;
  /** By stack name, in the index's (deployment) order. */
  readonly stacks: ReadonlyMap<string, IndexedStack>;
}

/** A stack index that is missing or cannot be used. */
export class SynthesisIndexError extends Error {}

export function readSynthesis(dir: string): Synthesis {
  const indexFile = path.join(dir, STACK_INDEX_FILE);
  if (!fs.existsSync(indexFile)) throw new SynthesisIndexError(`${dir} holds no synthesis output: ${STACK_INDEX_FILE} is missing (run lz synth)`);
  let index: ReturnType<typeof STACK_INDEX.schema.parse>;
  try {
    index = parseDocument(fs.readFileSync(indexFile, 'utf8'), indexFile, STACK_INDEX);
  } catch (e) {
    if (e instanceof DocumentError) throw new SynthesisIndexError(e.message);
    throw e;
  }
  const stacks = new Map<string, IndexedStack>();
  for (const entry of index.stacks) {
    const { file, resources, fingerprint, ...spec } = entry;
    stacks.set(spec.name, { spec, ...(file === undefined ? {} : { file: path.join(dir, file), resources }), ...(fingerprint === undefined ? {} : { fingerprint }) });
  }
  return { dir, stacks };
}
