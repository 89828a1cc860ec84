// Which published declaration file holds each module's declarations. tsc emits one `.d.ts` per
// module; the published package has one per entry, and a module several entries' types reach is
// declared in exactly one of them, the others importing it from there: a class declared twice is
// two types (a `Codex` from `codex-actors` would not be the `Codex` a testing function takes).
import path from "node:path";
import ts from "typescript";

/**
 * The owner of every emitted module reached from `entries` (`{ name, source }`, the first the
 * main entry, `source` its emitted `.d.ts` in `dir`), and the modules the main entry exports
 * whole. The main entry owns the modules whose names other modules import are all its exports
 * (the public types, classes and errors). Each other module belongs to the first entry in
 * `order` (entry names) whose types reach it without passing through the main entry's.
 */
export function declarationOwners(dir, entries, order) {
  const files = entries.map((entry) => path.join(dir, entry.source));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const exportsOf = (file) => {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file));
    return (symbol ? checker.getExportsOfModule(symbol) : []).map((exported) =>
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
    );
  };
  const main = files[0];
  const mainExports = new Set(exportsOf(main));
  const graph = importGraph(program, dir);
  const importedNames = new Map();
  for (const imports of graph.values())
    for (const [file, names] of imports)
      importedNames.set(file, new Set([...(importedNames.get(file) ?? []), ...names]));
  const isPublic = (file, names) =>
    exportsOf(file)
      .filter((symbol) => !names || names.has("*") || names.has(symbol.name))
      .every((symbol) => mainExports.has(symbol));

  const fromMain = reach(graph, main, () => false);
  const shared = new Set(
    [...fromMain].filter((file) => file === main || isPublic(file, importedNames.get(file))),
  );
  const reached = new Map(
    entries.map((entry, i) => [
      entry.name,
      i === 0 ? fromMain : reach(graph, files[i], (file) => shared.has(file)),
    ]),
  );
  const owners = new Map();
  for (const file of new Set([...reached.values()].flatMap((set) => [...set])))
    owners.set(
      file,
      shared.has(file) ? entries[0].name : order.find((name) => reached.get(name).has(file)),
    );
  const wholePublic = new Set([...fromMain].filter((file) => isPublic(file, undefined)));
  return { owners, wholePublic };
}

/** For each emitted module in `dir`, the modules in `dir` it imports and the names it takes. */
function importGraph(program, dir) {
  const graph = new Map();
  for (const source of program.getSourceFiles()) {
    if (!source.fileName.startsWith(dir)) continue;
    const imports = new Map();
    const add = (specifier, names) => {
      const { resolvedModule } = ts.resolveModuleName(
        specifier,
        source.fileName,
        program.getCompilerOptions(),
        ts.sys,
      );
      const file = resolvedModule?.resolvedFileName;
      if (file?.startsWith(dir))
        imports.set(file, new Set([...(imports.get(file) ?? []), ...names]));
    };
    const visit = (node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
        const bindings = ts.isImportDeclaration(node)
          ? node.importClause?.namedBindings
          : node.exportClause;
        const named = bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings));
        const names = named ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : ["*"];
        add(node.moduleSpecifier.text, names);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        add(node.argument.literal.text, [node.qualifier ? leftmost(node.qualifier) : "*"]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(source.fileName, imports);
  }
  return graph;
}

/** `A` of `import("…").A.B`. */
const leftmost = (name) => (ts.isIdentifier(name) ? name.text : leftmost(name.left));

/** The modules `start` reaches, not going past those `stop` says (but including them). */
function reach(graph, start, stop) {
  const seen = new Set();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (file === start || !stop(file)) queue.push(...(graph.get(file)?.keys() ?? []));
  }
  return seen;
}
