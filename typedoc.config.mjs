// `npm run docs`: the API reference of `codex-actors`, `codex-actors/machines`,
// `codex-actors/otel`, `codex-actors/testing` and `codex-actors/bullmq`, from the doc comments, with the guides beside
// it; an undocumented export is an error.
import { existsSync } from "node:fs";

const guides = ["supervision", "app-server", "observability", "testing", "distributed"]
  .map((name) => `docs/${name}.md`)
  .filter((file) => existsSync(file));

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  entryPoints: [
    "src/index.ts",
    "src/advanced/machines.ts",
    "src/otel/index.ts",
    "src/testing/index.ts",
    "src/bullmq/index.ts",
  ],
  // No links to sources: they are not published, and a clone's remote may be a local path.
  disableSources: true,
  tsconfig: "tsconfig.build.json",
  out: "build/api",
  readme: "README.md",
  projectDocuments: guides,
  treatWarningsAsErrors: true,
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  // Every export needs its doc comment (members where they need one); the members of types
  // TypeScript inferred for exported values are exempt (scripts/typedoc-inferred-members.mjs).
  requiredToBeDocumented: ["Class", "Function", "Variable", "TypeAlias", "Interface", "Enum"],
  plugin: ["./scripts/typedoc-inferred-members.mjs"],
  highlightLanguages: ["bash", "diff", "javascript", "json", "sh", "ts", "typescript", "toml"],
};
