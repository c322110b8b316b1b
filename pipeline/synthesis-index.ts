import * as fs from 'fs';
import * as path from 'path';
import { StackSpec } from '../model/inventory';
import { DocumentError, parseDocument } from '../format/json-document';
import { STACK_INDEX_FILE } from '../stacks/synthesize';
import { STACK_INDEX } from './synthesis-schema';

/** One synthesized stack as the stack index (`lz-stacks.json`) lists it. */
export interface IndexedStack {
  readonly spec: StackSpec;
  /** Absolute path of the stack's cdk.tf.json. */
  readonly file: string;
  readonly resources: number;
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
    const { file, resources, ...spec } = entry;
    stacks.set(spec.name, { spec, file: path.join(dir, file), resources });
  }
  return { dir, stacks };
}
