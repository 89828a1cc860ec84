import { readFileSync } from "node:fs";
import { libraryFile } from "../library-files.js";

/** The page's files, as `npm run build` writes them beside `dist/devtools.js`. */
export type PageFile = "devtools-page.js" | "devtools-page.css";

/**
 * A file of the page (its script: Preact and the page in one browser bundle; its style sheet).
 * In the package they lie beside the bundles; run from the sources (the tests), they are the
 * ones the build put in `dist/`.
 */
export function pageFile(name: PageFile): string {
  const candidates = [libraryFile(name), libraryFile("..", "dist", name)];
  for (const candidate of candidates) {
    try {
      return readFileSync(candidate, "utf8");
    } catch {
      // Not this one: try the next.
    }
  }
  throw new Error(
    `The devtools page file ${name} is missing (looked for ${candidates.join(" and ")}): ` +
      "run `npm run build`.",
  );
}

/** The page's HTML: the script and the token it sends with each request. */
export function pageHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="codex-actors-token" content="${token}">
<title>codex-actors devtools</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css?token=${token}">
</head>
<body>
<div id="app"><p class="loading">Connecting…</p></div>
<script src="/page.js?token=${token}"></script>
</body>
</html>
`;
}
