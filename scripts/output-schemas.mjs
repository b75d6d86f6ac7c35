// `npm run schemas`: writes schema/report.schema.json and schema/result.schema.json, the JSON Schemas of
// report.json (the Report type) and of a results.jsonl line (ResultRecord), generated from the types
// themselves so they cannot drift; test/schema/output-schemas.test.ts fails when a committed file is stale.
// Not part of the build: it type-walks the sources (seconds), and ts-json-schema-generator is a dev tool.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createFormatter, createParser, createProgram, SchemaGenerator } from 'ts-json-schema-generator';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each schema file, the type it describes, and where that type lives. */
export const OUTPUT_SCHEMAS = [
  { file: 'schema/report.schema.json', type: 'Report', source: 'src/report/report-model.ts', title: 'flowbench report.json' },
  { file: 'schema/result.schema.json', type: 'ResultRecord', source: 'src/record/result-record.ts', title: 'flowbench results.jsonl line' },
];

/** file → the schema's text, as committed (2-space JSON and a final newline). */
export function outputSchemaTexts() {
  const config = {
    tsconfig: join(ROOT, 'tsconfig.json'),
    skipTypeCheck: true, // `npm run build` type-checks; here only the shapes are read
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    // Extra keys are refused: a field added to the type but not to the schema shows up as a failure.
    additionalProperties: false,
  };
  // One program for both types: the sources are parsed once.
  const program = createProgram({ ...config, path: join(ROOT, 'src/**/*.ts') });
  const generator = new SchemaGenerator(program, createParser(program, config), createFormatter(config), config);
  const out = new Map();
  for (const s of OUTPUT_SCHEMAS) {
    const schema = generator.createSchema(s.type);
    const { $schema, ...rest } = schema;
    const text = JSON.stringify({ $schema, title: s.title, ...rest }, null, 2);
    out.set(s.file, `${text}\n`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of outputSchemaTexts()) writeFileSync(join(ROOT, file), text);
}
