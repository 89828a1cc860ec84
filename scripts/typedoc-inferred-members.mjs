// A TypeDoc plugin for `npm run docs`: the members of a type TypeScript inferred for an exported
// value (the state configs of the exported machines, say) are not written by hand, so they
// cannot carry doc comments. Each undocumented function-typed member of such an inferred type
// gets a note pointing at its export, so `validation.notDocumented` checks what we write.
import { Comment, Converter, ReflectionKind } from "typedoc";

/** Loads the plugin into TypeDoc. */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const signature of context.project.getReflectionsByKind(ReflectionKind.CallSignature)) {
      const member =
        signature.parent?.kindOf(ReflectionKind.TypeLiteral) && signature.parent.parent;
      if (!member || member.hasComment() || signature.hasComment()) continue;
      const owner = exportOf(member);
      if (!owner.kindOf(ReflectionKind.Variable | ReflectionKind.Function)) continue;
      if (!owner.hasComment() && !owner.signatures?.some((s) => s.hasComment())) continue;
      member.comment = new Comment([{ kind: "text", text: `Inferred; see ${owner.name}.` }]);
    }
  });
}

/** The module-level reflection a nested one belongs to. */
function exportOf(reflection) {
  let at = reflection;
  while (at.parent && !at.parent.kindOf(ReflectionKind.Project | ReflectionKind.Module))
    at = at.parent;
  return at;
}
