import * as fs from 'fs';
import * as path from 'path';
import { StackSpec } from '../model/inventory';
import { STACK_INDEX_FILE } from '../stacks/synthesize';

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

export function readSynthesis(dir: string): Synthesis {
  const indexFile = path.join(dir, STACK_INDEX_FILE);
  if (!fs.existsSync(indexFile)) throw new Error(`${dir} holds no synthesis output: ${STACK_INDEX_FILE} is missing (run lz synth)`);
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { stacks?: Array<StackSpec & { file: string; resources: number }> };
  if (!Array.isArray(index.stacks)) throw new Error(`${indexFile}: "stacks" is not a list`);
  const stacks = new Map<string, IndexedStack>();
  for (const entry of index.stacks) {
    const { file, resources, ...spec } = entry;
    stacks.set(spec.name, { spec, file: path.join(dir, file), resources });
  }
  return { dir, stacks };
}
