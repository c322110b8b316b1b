import * as fs from 'fs';
import * as path from 'path';
import { generatedSchemaFiles } from '../model/json-schema';

/** Writes the editor JSON Schemas generated from the zod schemas (`npm run schema`). */
const root = path.resolve(__dirname, '..');
for (const [file, content] of Object.entries(generatedSchemaFiles())) {
  fs.writeFileSync(path.join(root, file), content);
  console.log(`wrote ${file}`);
}
