// The published declarations: one file per entry, bundled by rollup-plugin-dts from what tsc
// emitted, each module's declarations in the file of the entry that owns it (see
// declaration-owners.mjs) and imported from there by the others.
import path from "node:path";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";
import ts from "typescript";

/**
 * Writes each entry's declarations (`{ name, source, output }`: its emitted `.d.ts` in `dir`,
 * its published one) to `output`, then fails if one of them does not type-check: a name it
 * imports from another entry that this entry does not export.
 */
export async function bundleDeclarations(dir, entries, owners) {
  const outputOf = new Map(entries.map((entry) => [entry.name, entry.output]));
  for (const entry of entries) {
    const bundle = await rollup({
      input: path.join(dir, entry.source),
      plugins: [
        { name: "other-entries", resolveId: otherEntries(entry.name, owners, outputOf) },
        dts(),
      ],
      onwarn: (warning) => {
        throw new Error(`declarations of ${entry.name}: ${warning.message}`);
      },
    });
    await bundle.write({ file: entry.output, format: "es", paths: relativeTo(entry.output) });
    await bundle.close();
  }
  checkDeclarations(entries.map((entry) => entry.output));
}

/**
 * Resolves an import of a module another entry owns to that entry's published file; packages
 * (and Node's built-in modules) stay imports.
 */
function otherEntries(name, owners, outputOf) {
  return (specifier, importer) => {
    if (!importer) return null;
    if (!specifier.startsWith(".")) return { id: specifier, external: true };
    const file = path.resolve(path.dirname(importer), specifier.replace(/\.js$/, ".d.ts"));
    const owner = owners.get(file);
    if (owner === undefined || owner === name) return null;
    return { id: outputOf.get(owner).replace(/\.d\.ts$/, ".js"), external: "absolute" };
  };
}

/** An import of another entry's file (an absolute path), as a specifier relative to `output`. */
function relativeTo(output) {
  return (id) => {
    if (!path.isAbsolute(id)) return id;
    const specifier = path.relative(path.dirname(output), id).split(path.sep).join("/");
    return specifier.startsWith(".") ? specifier : `./${specifier}`;
  };
}

/** Throws the type errors of `files` (their own, not their dependencies'). */
function checkDeclarations(files) {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
    strict: true,
    noEmit: true,
  });
  const errors = files.flatMap((file) =>
    program.getSemanticDiagnostics(program.getSourceFile(file)).map((diagnostic) => {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      return `${path.relative(process.cwd(), file)}:${line + 1}: ${text}`;
    }),
  );
  if (errors.length > 0)
    throw new Error(
      `the published declarations do not type-check (a type the main entry's declarations take ` +
        `from codex-actors/machines must be exported there, by src/advanced/machines.ts):\n` +
        errors.join("\n"),
    );
}
