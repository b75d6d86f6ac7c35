// The layers of src/ and the rules that hold them, checked by test/architecture/imports.test.ts
// (and by hand: npx depcruise src). Data flows one way (docs/architecture.md): a folder may import
// the folders listed before it (the layers below, and the folders before it in its own layer), never one
// listed after it. Type-only imports count too: a type
// couples two folders as surely as a function does (changing it breaks the importer's build), so
// the few that must cross upward are the named exceptions below, each allowed type-only.
// @ts-check

/** Lowest first. `folders` are under src/; `files` are single files directly in src/. */
const LAYERS = [
  {
    name: 'foundation',
    why: 'helpers every stage uses and that know nothing of flowbench: errors, the shared clock, text, PRNGs, YAML positions',
    folders: ['errors', 'clock', 'text', 'random', 'yaml'],
    files: ['version.ts'],
  },
  {
    name: 'wire-and-record',
    why: 'the StackAI wire client, the harness watching its own threads, and the results.jsonl record',
    folders: ['stackai', 'harness', 'record'],
  },
  { name: 'metrics', why: 'histograms, counts and token counting, added per record', folders: ['metrics'] },
  {
    name: 'definitions',
    why: 'what the suite loader consults: dataset readers, graders, load models, the simulator, comparison statistics',
    folders: ['dataset', 'grade', 'load', 'simulator', 'compare'],
  },
  { name: 'suite', why: 'parse, validate and normalise suite.yaml into the Suite every later stage reads', folders: ['suite'] },
  { name: 'execution', why: 'request threads and the grading pool', folders: ['worker', 'grading'] },
  { name: 'report', why: 'report.json and the formats rendered from it', folders: ['report'] },
  { name: 'orchestration', why: 'a run, a shard of one, and shards merged back; a trace pulled from the run history', folders: ['shard', 'runner', 'merge', 'pull'] },
  { name: 'entry', why: 'commands, the library entry and the generated schemas', folders: ['schema', 'api', 'cli'], files: ['index.ts'] },
];

/**
 * Upward imports allowed on purpose, type-only (a value import of the same file is still a violation).
 * Each names its way out; add one only with a reason.
 */
const EXCEPTIONS = [
  {
    name: 'load-model-contract',
    from: 'load',
    to: ['suite/types.ts', 'suite/load-context.ts', 'suite/suite-schema.ts'],
    comment:
      'A load model (load/models/model-def.ts) parses its own suite keys, so its contract names LoadBase, ' +
      'LoadStage and SweepSpec (suite/types.ts), LoadContext and FieldSchema; LoadSpec in suite/types.ts is in ' +
      'turn derived from the load registry. Way out: those types in load/ (LoadContext brings the loader\'s ' +
      'Positions and SuiteOverrides with it).',
  },
  {
    name: 'compare-reads-saved-report',
    from: 'compare',
    to: ['report/report-model.ts'],
    comment:
      'compare/saved-run.ts and compare/compare-runs.ts read a saved report.json, typed by report-model.ts, ' +
      'which in turn holds comparisons[] (compare/types.ts). Way out: report.json\'s types in a module of ' +
      'their own below both.',
  },
];

/**
 * One library, one folder (STYLE.md): swapping a library touches one folder. Headers name the folder,
 * not "the only module", and this list holds it.
 */
const LIBRARY_HOMES = [
  { library: 'undici', folders: ['stackai'], why: 'the StackAI client is the one HTTP client' },
  { library: 'piscina', folders: ['worker', 'grading'], why: 'the two thread pools: request threads and graders' },
  { library: 'hdr-histogram-js', folders: ['metrics'], why: 'histograms are made, encoded and merged in metrics/' },
  { library: 'cli-table3', folders: ['report'], why: 'terminal tables are a report format' },
  { library: 'prom-client', folders: ['metrics'], why: 'the live Prometheus endpoint renders the run totals kept in metrics/' },
];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A regex matching every module of the given layers. */
const layerPath = (layers) => {
  const parts = [];
  for (const l of layers) {
    for (const f of l.folders) parts.push(`^src/${esc(f)}/`);
    for (const f of l.files ?? []) parts.push(`^src/${esc(f)}$`);
  }
  return parts.join('|');
};
const fileList = (files) => files.map((f) => `^src/${esc(f)}$`).join('|');

/** The folders and files of src/, lowest first, each with its layer. */
const ORDER = LAYERS.flatMap((l) => [...l.folders.map((f) => ({ layer: l, path: `^src/${esc(f)}/`, folder: f })), ...(l.files ?? []).map((f) => ({ layer: l, path: `^src/${esc(f)}$`, folder: null }))]);

/**
 * One rule per folder: nothing listed after it, in its own layer or above. Within a layer the list is an
 * order too, so no two folders can import each other: that is what forbids folder cycles (a folder-scope
 * no-circular rule would also count the excepted type-only imports, and dependency-cruiser's folder scope
 * cannot tell them apart).
 */
function layerRules() {
  const rules = [];
  ORDER.forEach((entry, i) => {
    const later = ORDER.slice(i + 1);
    if (later.length === 0) return;
    const name = `layer-${entry.layer.name}`;
    const comment = `${entry.path} (${entry.layer.name}: ${entry.layer.why}) may import only what is listed before it in LAYERS`;
    const laterPath = later.map((e) => e.path).join('|');
    const own = EXCEPTIONS.filter((e) => e.from === entry.folder);
    const allowed = own.flatMap((e) => e.to);
    rules.push({ name, comment, severity: 'error', from: { path: entry.path }, to: allowed.length > 0 ? { path: laterPath, pathNot: fileList(allowed) } : { path: laterPath } });
    for (const e of own) {
      rules.push({
        name: e.name,
        comment: `${e.comment} Only type-only imports of these files are allowed.`,
        severity: 'error',
        from: { path: entry.path },
        to: { path: fileList(e.to), dependencyTypesNot: ['type-only'] },
      });
    }
  });
  return rules;
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules(),
    {
      name: 'not-in-a-layer',
      comment: 'Every module of src/ has a layer: a new folder goes in LAYERS first.',
      severity: 'error',
      from: { path: '^src/', pathNot: layerPath(LAYERS) },
      to: {},
    },
    ...LIBRARY_HOMES.map((h) => ({
      name: 'one-library-one-folder',
      comment: `${h.library} only in src/${h.folders.join('/, src/')}/: ${h.why}`,
      severity: 'error',
      from: { path: '^src/', pathNot: h.folders.map((f) => `^src/${esc(f)}/`).join('|') },
      // Resolved into node_modules, or (a fixture outside the project) left unresolved by name.
      to: { path: `(^|/)node_modules/${esc(h.library)}/|^${esc(h.library)}(/|$)` },
    })),
    {
      name: 'no-circular',
      comment: 'No cycle of value imports between modules (one that needs a type-only import is allowed: erased at run time).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    // npm packages are cruised as leaves, for one-library-one-folder.
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are kept (TypeScript would erase them before the cruise otherwise).
    tsPreCompilationDeps: true,
  },
};
