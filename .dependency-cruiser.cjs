// The layers of src/, lowest first, and the one rule between them: a module imports only from its
// own layer or a lower one. docs/architecture.md explains each layer; `npm run lint` checks them.
const LAYERS = [
  { name: "types", path: "^src/types/" },
  {
    name: "foundation",
    path: "^src/(telemetry/(channels|trace-context|warn-once)|option-values|library-files)\\.ts$|^src/package-files\\.(ts|bundle\\.cjs)$|^src/output/",
  },
  { name: "process", path: "^src/process/" },
  { name: "tools", path: "^src/tools/" },
  {
    name: "contract",
    path: "^src/(supervision/|transports/[^/]+\\.ts$|turn/turn-control\\.ts$|telemetry/(attempt|turn)-telemetry\\.ts$)",
  },
  { name: "actors", path: "^src/actors/" },
  { name: "machines", path: "^src/machines/" },
  { name: "transports", path: "^src/transports/[^/]+/" },
  { name: "devtools", path: "^src/devtools/" },
  {
    name: "facade",
    path: "^src/(codex|thread|codex-options|codex-runtime|root-machines|index)\\.ts$|^src/turn/(?!turn-control\\.ts$)",
  },
  { name: "entries", path: "^src/(advanced|otel|testing|bullmq|demo|model-stand-in)/" },
];

const anyLayer = LAYERS.map((layer) => `(${layer.path})`).join("|");

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    ...LAYERS.slice(0, -1).map((layer, index) => ({
      name: `${layer.name}-imports-downward`,
      comment: `The ${layer.name} layer imports only from itself and the layers below it.`,
      severity: "error",
      from: { path: layer.path },
      to: {
        path: LAYERS.slice(index + 1)
          .map((upper) => `(${upper.path})`)
          .join("|"),
        pathNot: layer.path,
      },
    })),
    {
      name: "transports-apart",
      comment:
        "A transport's folder imports no other transport's: what they share is the contract.",
      severity: "error",
      from: { path: "^src/transports/([^/]+)/" },
      to: { path: "^src/transports/[^/]+/", pathNot: "^src/transports/$1/" },
    },
    {
      name: "facade-names-no-transport",
      comment:
        "Only root-machines.ts (the registry) names a transport; the facade and turn code see the contract.",
      severity: "error",
      from: { path: "^src/(codex|thread|codex-options|codex-runtime|index)\\.ts$|^src/turn/" },
      to: { path: "^src/transports/[^/]+/" },
    },
    {
      name: "in-a-layer",
      comment: "Every module of src/ belongs to a layer: add a new folder to LAYERS.",
      severity: "error",
      from: { path: "^src/", pathNot: anyLayer },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/transports/app-server/protocol/|^src/devtools/page/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
