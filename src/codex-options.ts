import {
  checkTurnOptionValues,
  checkBoolean,
  checkBudget,
  checkCount,
  checkDuration,
  checkNumber,
  checkObject,
  checkOneOf,
  invalid,
} from "./option-values.js";
import { checkTools } from "./tools/codex-tools.js";
import type { SupervisionPolicy } from "./types/supervision.js";
import { TRANSPORT_NAMES, unsupported } from "./root-machines.js";
import type { ApprovalHandler, TransportName } from "./types/app-server.js";
import { InvalidOptionError } from "./types/errors.js";
import type { CodexOptions, ThreadOptions, TurnOptions } from "./types/options.js";

/* The door: options are checked where they are given, before anything is queued, written or run. */

/** Rejects, by name, the supervision options of `new Codex(...)` no process could honour. */
export function checkCodexOptions(options: CodexOptions): void {
  checkObject("options", options, true);
  const { maxConcurrentTurns, escalation, killGraceMs } = options;
  checkCount("maxConcurrentTurns", maxConcurrentTurns, 1, true);
  checkObject("escalation", escalation);
  if (escalation !== undefined) {
    checkCount("escalation.maxFailures", escalation.maxFailures, 0);
    checkDuration("escalation.withinMs", escalation.withinMs, 1);
    if (escalation.maxFailures === undefined || escalation.withinMs === undefined)
      throw invalid("escalation", "both maxFailures and withinMs", escalation);
  }
  checkDuration("killGraceMs", killGraceMs, 0);
  checkBudget("budget", options.budget);
  checkTools("tools", options.tools);
  checkDuration("serverStartTimeoutMs", options.serverStartTimeoutMs, 1);
  if (options.stalledStreamWarningMs !== false)
    checkDuration("stalledStreamWarningMs", options.stalledStreamWarningMs, 1);
  checkSupervision("supervision", options.supervision);
  checkOneOf("transport", options.transport, TRANSPORT_NAMES);
  checkApprovals(options, options.transport);
  checkToolApprovals(options.tools, options.transport);
}

/**
 * Rejects a thread's options that are not what they say: its restart policy, and approvals that
 * its `Codex` cannot ask (`codex`: the `Codex`'s own options).
 */
export function checkThreadOptions(options: ThreadOptions, codex: CodexOptions = {}): void {
  checkObject("options", options, true);
  checkSupervision("supervision", options.supervision);
  checkBudget("budget", options.budget);
  checkApprovals(options, codex.transport);
  checkTools("tools", options.tools);
  checkToolApprovals(options.tools, codex.transport);
  if (options.tools?.length && codex.tools?.length)
    checkTools("tools", [...codex.tools, ...options.tools]);
  if ((options.onApproval ?? codex.onApproval) && options.approvalPolicy === "never")
    throw new InvalidOptionError(
      "onApproval",
      'a handler with approvalPolicy "never" would never be asked; drop one of them',
    );
}

/** Rejects turn options that are not what they say: a signal that is no `AbortSignal`, bad timeouts, flags. */
export function checkTurnOptions(options: TurnOptions, transport?: TransportName): void {
  checkTurnOptionValues(options);
  const refused = options.deltas ? unsupported(transport, "deltas", "deltas") : null;
  if (refused) throw refused;
  if (options.cyberAccessProgram !== undefined && typeof options.cyberAccessProgram !== "string")
    throw invalid("cyberAccessProgram", "a string", options.cyberAccessProgram);
}

/** A tool that needs approval needs a transport that asks (exec never does: its calls fail). */
function checkToolApprovals(tools: ThreadOptions["tools"], transport: TransportName | undefined) {
  const asking = tools?.find((each) => each.needsApproval);
  const refused = asking
    ? unsupported(transport, "approvals", `the tool ${asking.name} (needsApproval)`)
    : null;
  if (refused) throw refused;
}

function checkApprovals(
  options: { onApproval?: ApprovalHandler; approvalTimeoutMs?: number },
  transport: TransportName | undefined,
): void {
  if (options.onApproval !== undefined && typeof options.onApproval !== "function")
    throw invalid("onApproval", "a function", options.onApproval);
  checkDuration("approvalTimeoutMs", options.approvalTimeoutMs, 1);
  const refused = options.onApproval ? unsupported(transport, "approvals", "onApproval") : null;
  if (refused) throw refused;
}

function checkSupervision(option: string, policy: SupervisionPolicy | false | undefined): void {
  if (policy === false || policy === undefined) return;
  checkObject(option, policy);
  checkOneOf(`${option}.restart`, policy.restart, ["transient", "permanent", "temporary"]);
  checkCount(`${option}.maxRestarts`, policy.maxRestarts, 0);
  checkDuration(`${option}.withinMs`, policy.withinMs, 1);
  checkBoolean(`${option}.restartAfterSideEffects`, policy.restartAfterSideEffects);
  checkBoolean(`${option}.restartServiceFailures`, policy.restartServiceFailures);
  if (policy.isTransient !== undefined && typeof policy.isTransient !== "function")
    throw invalid(`${option}.isTransient`, "a function", policy.isTransient);
  const { backoff } = policy;
  checkObject(`${option}.backoff`, backoff);
  if (backoff === undefined) return;
  checkDuration(`${option}.backoff.initialMs`, backoff.initialMs, 0);
  checkDuration(`${option}.backoff.maxMs`, backoff.maxMs, 0);
  checkNumber(`${option}.backoff.factor`, backoff.factor, 1);
  checkBoolean(`${option}.backoff.jitter`, backoff.jitter);
}
