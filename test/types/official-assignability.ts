/**
 * Compiled by `npm run typecheck`, never run: every type `@openai/codex-sdk` exports must be
 * assignable to ours of the same name, so code typed against the official SDK keeps compiling.
 */
import type * as Official from "@openai/codex-sdk";
import type * as Ours from "../../src/index.js";

/** Compiles only when `From` is assignable to `To`. */
type Assignable<From extends To, To> = [From, To];

export type OfficialTypesFitOurs = [
  Assignable<Official.AgentMessageItem, Ours.AgentMessageItem>,
  Assignable<Official.ApprovalMode, Ours.ApprovalMode>,
  Assignable<Official.CodexOptions, Ours.CodexOptions>,
  Assignable<Official.CommandExecutionItem, Ours.CommandExecutionItem>,
  Assignable<Official.CyberAccessProgram, Ours.CyberAccessProgram>,
  Assignable<Official.ErrorItem, Ours.ErrorItem>,
  Assignable<Official.FileChangeItem, Ours.FileChangeItem>,
  Assignable<Official.Input, Ours.Input>,
  Assignable<Official.ItemCompletedEvent, Ours.ItemCompletedEvent>,
  Assignable<Official.ItemStartedEvent, Ours.ItemStartedEvent>,
  Assignable<Official.ItemUpdatedEvent, Ours.ItemUpdatedEvent>,
  Assignable<Official.McpToolCallItem, Ours.McpToolCallItem>,
  Assignable<Official.ModelReasoningEffort, Ours.ModelReasoningEffort>,
  Assignable<Official.ReasoningItem, Ours.ReasoningItem>,
  Assignable<Official.RunResult, Ours.RunResult>,
  Assignable<Official.RunStreamedResult, Ours.RunStreamedResult>,
  Assignable<Official.SandboxMode, Ours.SandboxMode>,
  Assignable<Official.ThreadError, Ours.ThreadError>,
  Assignable<Official.ThreadErrorEvent, Ours.ThreadErrorEvent>,
  Assignable<Official.ThreadEvent, Ours.ThreadEvent>,
  Assignable<Official.ThreadItem, Ours.ThreadItem>,
  Assignable<Official.ThreadOptions, Ours.ThreadOptions>,
  Assignable<Official.ThreadStartedEvent, Ours.ThreadStartedEvent>,
  Assignable<Official.TodoListItem, Ours.TodoListItem>,
  Assignable<Official.TurnCompletedEvent, Ours.TurnCompletedEvent>,
  Assignable<Official.TurnFailedEvent, Ours.TurnFailedEvent>,
  Assignable<Official.TurnOptions, Ours.TurnOptions>,
  Assignable<Official.TurnStartedEvent, Ours.TurnStartedEvent>,
  Assignable<Official.Usage, Ours.Usage>,
  Assignable<Official.Usage | null, Ours.Turn["usage"]>,
  Assignable<Official.UserInput, Ours.UserInput>,
  Assignable<Official.WebSearchItem, Ours.WebSearchItem>,
  Assignable<Official.WebSearchMode, Ours.WebSearchMode>,
];

/** The test double users build for the official `Turn` type-checks as ours. */
export const testDouble: Ours.Turn = { items: [], finalResponse: "", usage: null };

// Not the other way round, by design: our `file_change` status adds "in_progress" (the real
// binary sends it), so our `ThreadItem` is a superset of the official one.
