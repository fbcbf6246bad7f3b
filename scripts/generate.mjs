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

/**
 * Rewrites the config schema's generated parts in place (other keys keep
 * their order): the apiVersion enum from the version table, and each
 * resource's block, the top-level ensure and its if/then from the descriptors.
 */
function writeConfigSchema(table, parts) {
  const path = join(root, 'schemas', 'channel-connection.schema.json');
  const before = readFileSync(path, 'utf8');
  const schema = JSON.parse(before);
  const versions = Object.keys(table);
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
  const after = `${JSON.stringify(schema, null, 2)}\n`;
  if (after !== before) writeFileSync(path, after);
}

/**
 * Rewrites, in schemas/`file`, the arrays `keys` of the first `owner` object
 * ("apiVersion", "resource"), keeping the file's hand-made layout (one-line
 * enum, one description per line); fails the build when the result does not
 * say it.
 */
function writeArrays(file, owner, arrays) {
  const path = join(root, 'schemas', file);
  const before = readFileSync(path, 'utf8');
  const start = before.indexOf(`"${owner}": {`);
  if (start < 0) throw new Error(`${file}: no "${owner}" object`);
  let rest = before.slice(start);
  const indent = before.slice(before.lastIndexOf('\n', start) + 1, start);
  for (const [key, values] of Object.entries(arrays)) {
    const pattern = new RegExp(`("${key}": )\\[[^\\]]*\\]`);
    if (!pattern.test(rest)) throw new Error(`${file}: no "${key}" array in "${owner}"`);
    const written = key === 'enum' ? JSON.stringify(values).replace(/","/g, '", "') : `[\n${values.map((v) => `${indent}    ${JSON.stringify(v)}`).join(',\n')}\n${indent}  ]`;
    rest = rest.replace(pattern, (_, name) => `${name}${written}`);
  }
  const after = before.slice(0, start) + rest;
  const found = (JSON.stringify(JSON.parse(after)).match(new RegExp(`"${owner}":\\{[^}]*?"enum":(\\[[^\\]]*\\])`)) ?? [])[1];
  if (found !== JSON.stringify(arrays.enum)) throw new Error(`${file}: ${owner} enum is ${found}, not ${JSON.stringify(arrays.enum)}`);
  if (after !== before) writeFileSync(path, after);
}

/** Rewrites the saved plan's observed-key pattern (`<appId>/<resource>`) for `names`. */
function writeObservedPattern(names) {
  const path = join(root, 'schemas', 'saved-plan.schema.json');
  const before = readFileSync(path, 'utf8');
  const pattern = /("pattern": "\^\[1-9\]\[0-9\]\*\/\()[^)]*(\)\$")/;
  if (!pattern.test(before)) throw new Error('saved-plan.schema.json: no observed-key pattern');
  const after = before.replace(pattern, (_, head, tail) => `${head}${names.join('|')}${tail}`);
  if (after !== before) writeFileSync(path, after);
}

const table = await apiVersionTable();
const { RESOURCES, resourceSchemaParts } = await resourceModules();
writeConfigSchema(table, resourceSchemaParts(RESOURCES));
writeArrays('saved-plan.schema.json', 'apiVersion', { enum: Object.keys(table) });
const names = RESOURCES.map((resource) => resource.name);
writeArrays('saved-plan.schema.json', 'resource', { enum: names });
writeObservedPattern(names);

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
