import { describe, expect, it } from "@jest/globals";
import { isConfigurationError, isTransientByDefault } from "../src/supervision/classify.js";
import {
  AbortError,
  CodexConfigError,
  CodexExitError,
  CodexNotFoundError,
  EscalatedError,
  IdleTimeoutError,
  InvalidOptionError,
  OutputSchemaError,
  OutputValidationError,
  ProtocolError,
  RestartLimitError,
  ShutdownError,
  SpawnError,
  TurnFailedError,
  TurnTimeoutError,
  UntrustedDirectoryError,
  type CodexError,
} from "../src/types/errors.js";

const URL = "url: http://127.0.0.1:43127/responses";

/** What the real binary writes to stderr when clap rejects an argument (exit code 2). */
const CLAP_USAGE_ERROR = [
  "error: unexpected argument '--foo' found",
  "",
  "  tip: to pass '--foo' as a value, use '-- --foo'",
  "",
  "Usage: codex exec [OPTIONS] [PROMPT]",
  "       codex exec [OPTIONS] <COMMAND> [ARGS]",
  "",
  "For more information, try '--help'.",
  "",
].join("\n");

const UNTRUSTED_STDERR =
  "Not inside a trusted directory and --skip-git-repo-check was not specified.\n";

/** `response.failed` as the binary reports it in `turn.failed`: `<message>: <message>`. */
const responseFailed = (message: string) => new TurnFailedError(`${message}: ${message}`, 1);

/** A Node errno error, as `child_process.spawn` reports it. */
function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`spawn /opt/codex ${code}`), { code, syscall: "spawn" });
}

describe("isTransientByDefault: the process ended early", () => {
  it.each<[string, CodexError]>([
    ["a non-zero exit before the turn ended", new CodexExitError(1, null, "Reading prompt...\n")],
    ["an exit with an empty stderr", new CodexExitError(101, null, "")],
    ["a SIGKILL", new CodexExitError(null, "SIGKILL", "")],
    ["a crash by SIGSEGV", new CodexExitError(null, "SIGSEGV", "Reading prompt from stdin...")],
    ["a SIGTERM from outside", new CodexExitError(null, "SIGTERM", "")],
  ])("treats %s as transient", (_label, error) => {
    expect(isTransientByDefault(error)).toBe(true);
    expect(isConfigurationError(error)).toBe(false);
  });

  it("treats an idle timeout as transient", () => {
    const error = new IdleTimeoutError(5_000);
    expect(isTransientByDefault(error)).toBe(true);
    expect(isConfigurationError(error)).toBe(false);
  });

  it("treats a spawn failure for lack of resources as transient", () => {
    for (const code of ["EAGAIN", "EMFILE", "ENFILE", "ENOMEM"]) {
      expect(isTransientByDefault(new SpawnError("/opt/codex", { cause: errno(code) }))).toBe(true);
    }
  });

  it("does not treat a spawn failure that will repeat (permission denied) as transient", () => {
    expect(isTransientByDefault(new SpawnError("/opt/codex", { cause: errno("EACCES") }))).toBe(
      false,
    );
    expect(isTransientByDefault(new SpawnError("/opt/codex"))).toBe(false);
  });
});

const withServiceFailures = { restartServiceFailures: true };

describe("isTransientByDefault: turn.failed with the real binary's messages", () => {
  it("never treats a turn.failed as transient by default: codex already retried it", () => {
    for (const message of [
      "exceeded retry limit, last status: 429 Too Many Requests",
      "stream disconnected before completion: error decoding response body",
      "We’re currently experiencing high demand, which may cause temporary errors.",
    ]) {
      expect(isTransientByDefault(new TurnFailedError(message, 1))).toBe(false);
    }
  });

  it.each<[string, string]>([
    ["HTTP 500", "We’re currently experiencing high demand, which may cause temporary errors."],
    ["HTTP 429 after retries", "exceeded retry limit, last status: 429 Too Many Requests"],
    ["HTTP 502", `unexpected status 502 Bad Gateway: upstream connect error, ${URL}`],
    ["HTTP 503", `unexpected status 503 Service Unavailable: try later, ${URL}`],
    ["a dropped stream", "stream disconnected before completion: error decoding response body"],
    ["a reconnect that gave up", "Reconnecting... 5/5 (stream disconnected before completion)"],
  ])("treats %s as transient with restartServiceFailures", (_label, message) => {
    const error = new TurnFailedError(message, 1);
    expect(isTransientByDefault(error, withServiceFailures)).toBe(true);
    expect(isConfigurationError(error)).toBe(false);
  });

  it.each<[string, string]>([
    ["a rate limit", "Rate limit reached for gpt-5.5 on requests per min (RPM). Retry in 1s."],
    [
      "a rate limit whose token counts contain 401",
      "Rate limit reached for gpt-5.5 in organization org-a on tokens per min (TPM): " +
        "Limit 30000, Used 29650, Requested 401. Please try again in 1.2s.",
    ],
    ["an overload", "That model is currently overloaded with other requests. Please retry."],
    [
      "a server error",
      "An error occurred while processing your request. You can retry your request, or contact " +
        "us through our help center at help.openai.com if the error persists.",
    ],
  ])(
    "treats a response.failed reporting %s as transient with restartServiceFailures",
    (_label, message) => {
      expect(isTransientByDefault(responseFailed(message), withServiceFailures)).toBe(true);
    },
  );

  it.each<[string, string]>([
    ["HTTP 401", `unexpected status 401 Unauthorized: Incorrect API key provided: sk-x, ${URL}`],
    ["HTTP 403", `unexpected status 403 Forbidden: Project does not have access, ${URL}`],
    ["a bare HTTP 401 status", "request to the model failed: HTTP 401 (the session timed out)"],
    ["HTTP 400", `unexpected status 400 Bad Request: Unsupported parameter: 'top_k', ${URL}`],
    ["a full context window", "Codex ran out of room in the model's context window."],
  ])("does not treat %s as transient", (_label, message) => {
    const error = new TurnFailedError(message, 1);
    expect(isTransientByDefault(error)).toBe(false);
  });

  it("does not treat an authentication failure as transient even if it reads like a timeout", () => {
    const message = `unexpected status 401 Unauthorized: the session timed out, ${URL}`;
    expect(isTransientByDefault(new TurnFailedError(message, 1), withServiceFailures)).toBe(false);
  });
});

describe("isTransientByDefault: failures a restart cannot mend", () => {
  it.each<[string, CodexError]>([
    ["an untrusted directory", new UntrustedDirectoryError(1, UNTRUSTED_STDERR)],
    ["a clap usage error", new CodexConfigError(2, CLAP_USAGE_ERROR)],
    ["a missing binary", new CodexNotFoundError("/nowhere/codex")],
    ["an invalid option", new InvalidOptionError("model", "expected a string, got `3` (number)")],
    ["an invalid schema", new OutputSchemaError("type must be a string")],
    ["a protocol error", new ProtocolError(3, "not json", "not JSON")],
    ["an abort", new AbortError()],
    ["a shutdown", new ShutdownError()],
    ["a turn timeout", new TurnTimeoutError(1_000)],
    ["an escalated root", new EscalatedError(3, 60_000)],
    ["a restart limit", new RestartLimitError([new IdleTimeoutError(10)], 3, 60_000)],
    ["an output that fails its schema", new OutputValidationError(["/a must be number"], "{}")],
  ])("does not treat %s as transient", (_label, error) => {
    expect(isTransientByDefault(error)).toBe(false);
  });
});

describe("isConfigurationError", () => {
  it.each<[string, CodexError]>([
    ["a missing binary", new CodexNotFoundError("/nowhere/codex")],
    ["an invalid option", new InvalidOptionError("sandboxMode", "expected one of ...")],
    ["an invalid schema", new OutputSchemaError("type must be a string")],
    ["an untrusted directory", new UntrustedDirectoryError(1, UNTRUSTED_STDERR)],
    ["invalid arguments rejected by the CLI", new CodexConfigError(2, CLAP_USAGE_ERROR)],
  ])("recognises %s", (_label, error) => {
    expect(isConfigurationError(error)).toBe(true);
  });

  it.each<[string, CodexError]>([
    ["a crash", new CodexExitError(null, "SIGSEGV", "")],
    [
      "a non-zero exit whose stderr only mentions an error",
      new CodexExitError(1, null, "error: x"),
    ],
    ["an idle timeout", new IdleTimeoutError(100)],
    ["a 401", new TurnFailedError(`unexpected status 401 Unauthorized: bad key, ${URL}`, 1)],
    ["a protocol error", new ProtocolError(1, "{", "not JSON")],
    ["an abort", new AbortError()],
    ["a shutdown", new ShutdownError()],
  ])("does not count %s as a configuration error", (_label, error) => {
    expect(isConfigurationError(error)).toBe(false);
  });
});

/** What the real binary 0.169 writes to stderr when it refuses to start a turn (exit 1 or 2). */
const REFUSALS: Array<[string, number, string]> = [
  ["a bad --sandbox value", 2, "error: invalid value 'bogus' for '--sandbox <SANDBOX_MODE>'"],
  [
    "a bad cyberAccessProgram",
    2,
    "error: invalid value 'bogus' for '--cyber-access-program <PROGRAM>'",
  ],
  ["a model starting with '-'", 2, "error: unexpected argument '-x' found"],
  ["an unparsable -c", 1, "Error parsing -c overrides: Invalid override (missing '='): foo"],
  [
    "an unknown resume id",
    1,
    "Error: thread/resume: thread/resume failed: no rollout found for thread id 019a (code -32600)",
  ],
  ["a missing --cd directory", 1, "Error: No such file or directory (os error 2)"],
  ["a missing provider", 1, "Error: Model provider `nope` not found"],
  [
    "a 10 MB prompt",
    1,
    "Error: turn/start: turn/start failed: Input exceeds the maximum length of 1048576 characters.",
  ],
  [
    "a retired approval policy",
    1,
    'Error: approval_policy = "untrusted" is no longer supported; remove this setting',
  ],
];

describe("CodexConfigError: codex refused to start the turn", () => {
  const WARNING = "WARNING: proceeding, even though we could not create PATH aliases\n";

  it.each(REFUSALS)("carries the binary's own line for %s", (_label, exitCode, line) => {
    const error = new CodexConfigError(
      exitCode,
      `${WARNING}Reading prompt from stdin...\n${line}\n`,
    );
    expect(error).toMatchObject({ name: "CodexConfigError", kind: "configuration", exitCode });
    expect(error.refusal).toBe(line);
    expect(error.message).toContain(line);
    expect(error).toBeInstanceOf(CodexExitError);
    expect(isConfigurationError(error)).toBe(true);
    expect(isTransientByDefault(error, withServiceFailures)).toBe(false);
  });

  it("falls back to the last stderr line when none starts with `error`", () => {
    const error = new CodexConfigError(1, "Reading prompt from stdin...\nsomething broke\n");
    expect(error.refusal).toBe("something broke");
  });
});
