// Build-time generated sources (src/generated/): the JSON Schemas compiled
// into standalone validators, so the CLI never compiles a schema at start-up,
// and the package version, so nothing reads package.json at run time. First
// the schemas' apiVersion enums are written from src/hubspot/api-versions.ts,
// so a version is one row of that table, and their resource parts (the
// config's blocks, the saved plan's names) from the resource descriptors.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build, transformSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src', 'generated');
mkdirSync(outDir, { recursive: true });

/** The version table, read from its TypeScript source (pure data, no imports). */
async function apiVersionTable() {
  const source = readFileSync(join(root, 'src', 'hubspot', 'api-versions.ts'), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm' });
  return (await import(`data:text/javascript,${encodeURIComponent(code)}`)).API_VERSION_TABLE;
}

/** The resource descriptors and their config-schema parts, from src/resources (bundled: the descriptors import helpers). */
async function resourceModules() {
  const { outputFiles } = await build({
    stdin: { contents: "export { RESOURCES } from './index.ts';\nexport { resourceSchemaParts } from './config-schema.ts';\n", resolveDir: join(root, 'src', 'resources'), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
  });
  return import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);
}

/** Rewrites schemas/`file` through `edit` (the parsed schema, changed in place); written only when it changed. */
function rewriteSchema(file, edit) {
  const path = join(root, 'schemas', file);
  const before = readFileSync(path, 'utf8');
  const schema = JSON.parse(before);
  edit(schema);
  const after = `${JSON.stringify(schema, null, 2)}\n`;
  if (after !== before) writeFileSync(path, after);
}

const table = await apiVersionTable();
const versions = Object.keys(table);
const { RESOURCES, resourceSchemaParts } = await resourceModules();
const names = RESOURCES.map((resource) => resource.name);

// The config schema: the versions, and each resource's block, the top-level ensure and its if/then.
rewriteSchema('channel-connection.schema.json', (schema) => {
  const parts = resourceSchemaParts(RESOURCES);
  Object.assign(schema.properties.apiVersion, {
    enum: versions,
    enumDescriptions: versions.map((version) => `${table[version].pathPrefix}/{appId}/...; default auth ${table[version].defaultAuth}`),
  });
  Object.assign(schema.properties, parts.blocks);
  if (parts.ensure === undefined) delete schema.properties.ensure;
  else schema.properties.ensure = parts.ensure;
  if (parts.ifThen === undefined) {
    delete schema.if;
    delete schema.then;
  } else Object.assign(schema, parts.ifThen);
});

// The saved plan's schema: the versions, the resource names, and its observed keys (`<appId>/<resource>`).
rewriteSchema('saved-plan.schema.json', (schema) => {
  const change = schema.properties.changes.items.properties;
  change.apiVersion.enum = versions;
  change.resource.enum = names;
  schema.properties.savedPlan.properties.observed.propertyNames.pattern = `^[1-9][0-9]*/(${names.join('|')})$`;
});

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
