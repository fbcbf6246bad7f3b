// Build-time generated sources (src/generated/): the JSON Schemas compiled
// into standalone validators, so the CLI never compiles a schema at start-up,
// and the package version, so nothing reads package.json at run time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src', 'generated');
mkdirSync(outDir, { recursive: true });

const schemas = [
  { file: 'channel-connection.schema.json', out: 'channel-connection-validator' },
  { file: 'webhook-response.schema.json', out: 'webhook-response-validator' },
  { file: 'saved-plan.schema.json', out: 'saved-plan-validator' },
];

// Ajv's ESM output still require()s its runtime helpers (ajv-validator/ajv#2209);
// hoist them into imports so the module loads under "type": "module". Node
// hands CJS exports over whole, bundlers (vitest) unwrap `default`: accept both.
function toEsm(code) {
  const imports = [];
  const body = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/g, (_, path) => {
    const name = `runtime${imports.length}`;
    imports.push(`import ${name} from "${path}.js";`);
    return `(${name}.default ?? ${name})`;
  });
  return `${imports.join('\n')}\n${body.replace(/^"use strict";/, '')}`;
}

for (const { file, out } of schemas) {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, code: { source: true, esm: true } });
  // Editor-only annotations (yaml-language-server, VS Code): no validation meaning.
  ajv.addVocabulary(['enumDescriptions', 'markdownDescription']);
  const validate = ajv.compile(schema);
  writeFileSync(join(outDir, `${out}.js`), toEsm(standaloneCode(ajv, validate)));
  writeFileSync(
    join(outDir, `${out}.d.ts`),
    [
      "import type { ErrorObject } from 'ajv';",
      'declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };',
      'export default validate;',
      '',
    ].join('\n'),
  );
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(outDir, 'version.js'), `export const VERSION = ${JSON.stringify(version)};\n`);
writeFileSync(join(outDir, 'version.d.ts'), 'export declare const VERSION: string;\n');
