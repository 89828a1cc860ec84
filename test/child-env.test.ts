import { describe, expect, it } from "@jest/globals";
import path from "node:path";
import { inspect } from "node:util";
import { buildChildEnv, ChildEnvSource } from "../src/process/child-env.js";

const ORIGINATOR = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";

/** process.env without its unset entries, as a child would receive it. */
function definedProcessEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

describe("buildChildEnv: where the environment comes from", () => {
  it("copies process.env when no env is given, adding the originator", () => {
    const inherited = definedProcessEnv();
    delete inherited[ORIGINATOR];
    expect(buildChildEnv({ pathDirs: [] })).toEqual({
      ...inherited,
      [ORIGINATOR]: process.env[ORIGINATOR] || "codex_sdk_ts",
    });
  });

  it("replaces process.env entirely when env is given", () => {
    expect(process.env.PATH).toBeDefined();
    expect(buildChildEnv({ env: { ONLY: "this" }, pathDirs: [] })).toEqual({
      ONLY: "this",
      [ORIGINATOR]: "codex_sdk_ts",
    });
  });

  it("changes neither the given env nor process.env", () => {
    const env = { PATH: "/usr/bin" };
    const before = definedProcessEnv();
    buildChildEnv({ env, apiKey: "sk-x", pathDirs: ["/helpers"] });
    buildChildEnv({ apiKey: "sk-y", pathDirs: ["/helpers"] });
    expect(env).toEqual({ PATH: "/usr/bin" });
    expect(definedProcessEnv()).toEqual(before);
  });
});

describe("buildChildEnv: what the SDK adds", () => {
  it("keeps an originator the env already sets", () => {
    const env = buildChildEnv({ env: { [ORIGINATOR]: "my_app" }, pathDirs: [] });
    expect(env[ORIGINATOR]).toBe("my_app");
  });

  it("sets the originator when the env gives an empty one", () => {
    const env = buildChildEnv({ env: { [ORIGINATOR]: "" }, pathDirs: [] });
    expect(env[ORIGINATOR]).toBe("codex_sdk_ts");
  });

  it("hands apiKey over as CODEX_API_KEY, over one the env has", () => {
    expect(buildChildEnv({ env: {}, apiKey: "sk-test", pathDirs: [] }).CODEX_API_KEY).toBe(
      "sk-test",
    );
    expect(
      buildChildEnv({ env: { CODEX_API_KEY: "old" }, apiKey: "sk-new", pathDirs: [] })
        .CODEX_API_KEY,
    ).toBe("sk-new");
  });

  it("leaves CODEX_API_KEY as the env has it without an apiKey", () => {
    expect(buildChildEnv({ env: { CODEX_API_KEY: "env-key" }, pathDirs: [] }).CODEX_API_KEY).toBe(
      "env-key",
    );
    expect(buildChildEnv({ env: {}, pathDirs: [] })).not.toHaveProperty("CODEX_API_KEY");
    expect(buildChildEnv({ env: {}, apiKey: "", pathDirs: [] })).not.toHaveProperty(
      "CODEX_API_KEY",
    );
  });
});

describe("buildChildEnv: PATH on POSIX", () => {
  const build = (env: Record<string, string>, pathDirs: string[]) =>
    buildChildEnv({ env, pathDirs, platform: "linux" });

  it("prepends the helper folders, in order", () => {
    expect(build({ PATH: "/usr/bin:/bin" }, ["/h1", "/h2"]).PATH).toBe("/h1:/h2:/usr/bin:/bin");
  });

  it("does not repeat a helper folder PATH already has", () => {
    expect(build({ PATH: "/usr/bin:/h2:/bin:/h1" }, ["/h1", "/h2"]).PATH).toBe(
      "/h1:/h2:/usr/bin:/bin",
    );
  });

  it("drops empty PATH entries", () => {
    expect(build({ PATH: ":/usr/bin::/bin:" }, ["/h"]).PATH).toBe("/h:/usr/bin:/bin");
  });

  it("creates PATH from the helper folders when there is none", () => {
    expect(build({}, ["/h1", "/h2"]).PATH).toBe("/h1:/h2");
  });

  it("leaves PATH exactly as it is without helper folders", () => {
    expect(build({ PATH: ":/usr/bin::" }, []).PATH).toBe(":/usr/bin::");
  });

  it("treats only PATH as the path: Path is another variable on POSIX", () => {
    expect(build({ Path: "/other" }, ["/h"])).toMatchObject({ PATH: "/h", Path: "/other" });
  });

  it("uses the host's delimiter by default", () => {
    const env = buildChildEnv({ env: { PATH: "/usr/bin" }, pathDirs: ["/h"] });
    expect(env.PATH).toBe(`/h${path.delimiter}/usr/bin`);
  });
});

describe("buildChildEnv: Path on Windows", () => {
  const build = (env: Record<string, string>, pathDirs: string[]) =>
    buildChildEnv({ env, pathDirs, platform: "win32" });

  it("prepends to Path with ;, without duplicates or empty entries", () => {
    expect(build({ Path: "C:\\Windows;;C:\\h1" }, ["C:\\h1", "C:\\h2"])).toEqual({
      Path: "C:\\h1;C:\\h2;C:\\Windows",
      [ORIGINATOR]: "codex_sdk_ts",
    });
  });

  it("prefers Path over other spellings and removes them", () => {
    const env = build({ PATH: "C:\\a", Path: "C:\\b", path: "C:\\c" }, ["C:\\h"]);
    expect(env.Path).toBe("C:\\h;C:\\b");
    expect(Object.keys(env).filter((key) => key.toLowerCase() === "path")).toEqual(["Path"]);
  });

  it("uses the last spelling when there is no Path, and removes the others", () => {
    const env = build({ PATH: "C:\\a", path: "C:\\c" }, ["C:\\h"]);
    expect(env.path).toBe("C:\\h;C:\\c");
    expect(Object.keys(env).filter((key) => key.toLowerCase() === "path")).toEqual(["path"]);
  });

  it("creates PATH when no spelling of it exists", () => {
    expect(build({}, ["C:\\h1", "C:\\h2"]).PATH).toBe("C:\\h1;C:\\h2");
  });
});

describe("ChildEnvSource: the env and key, out of sight", () => {
  it("builds the same env as buildChildEnv, yet neither JSON nor util.inspect shows its secrets", () => {
    const source = new ChildEnvSource({ SECRET_TOKEN: "s3cr3t-1" }, "sk-hidden-1");
    expect(source.build(["/helpers"])).toEqual(
      buildChildEnv({
        env: { SECRET_TOKEN: "s3cr3t-1" },
        apiKey: "sk-hidden-1",
        pathDirs: ["/helpers"],
      }),
    );
    for (const shown of [JSON.stringify({ source }), inspect({ source }, { showHidden: true })]) {
      expect(shown).not.toContain("s3cr3t-1");
      expect(shown).not.toContain("sk-hidden-1");
    }
  });
});
