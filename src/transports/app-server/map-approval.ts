import type { ApprovalDecision, ApprovalKind } from "../../types/app-server.js";
import { approvalCommand } from "./approval-command.js";
import type { v2 } from "./protocol/index.js";
import type { RpcServerRequest } from "./rpc-connection.js";
import { draft, idForStarted, type MapStep, type TurnMapState } from "./turn-map-state.js";

const APPROVAL_KINDS: Record<string, ApprovalKind> = {
  "item/commandExecution/requestApproval": "command",
  "item/fileChange/requestApproval": "file_change",
  "item/permissions/requestApproval": "permissions",
};

/** The request codex makes to ask for an MCP tool call (among other MCP elicitations). */
const MCP_ELICITATION = "mcpServer/elicitation/request";

/** What codex says in an MCP elicitation that asks approval of a tool call. */
type McpApprovalMeta = {
  codex_approval_kind?: string;
  tool_name?: string;
  tool_params?: unknown;
};

/** The kind of approval a server request asks for, or null if it asks for something else. */
export function approvalKindOf(request: RpcServerRequest): ApprovalKind | null {
  if (request.method === MCP_ELICITATION)
    return mcpMetaOf(request).codex_approval_kind === "mcp_tool_call" ? "mcp_tool_call" : null;
  return APPROVAL_KINDS[request.method] ?? null;
}

function mcpMetaOf(request: RpcServerRequest): McpApprovalMeta {
  const meta = (request.params as { _meta?: unknown } | undefined)?._meta;
  return typeof meta === "object" && meta !== null ? (meta as McpApprovalMeta) : {};
}

/** The call an MCP approval request is for, as `TurnMapState.toolCalls` keys it. */
function toolCallKey(request: RpcServerRequest): string {
  const { serverName } = request.params as Partial<v2.McpServerElicitationRequestParams>;
  return `${serverName}/${mcpMetaOf(request).tool_name}`;
}

/** What an `approval.requested` event says of an MCP tool call codex asks approval for. */
function mcpToolCallOf(request: RpcServerRequest) {
  const meta = mcpMetaOf(request);
  const params = request.params as Partial<v2.McpServerElicitationRequestParams>;
  return {
    ...(typeof params.serverName === "string" && { server: params.serverName }),
    ...(typeof meta.tool_name === "string" && { tool: meta.tool_name }),
    ...(meta.tool_params !== undefined && { arguments: meta.tool_params }),
    ...(typeof params.message === "string" && { reason: params.message }),
  };
}

type ApprovalParams = Partial<
  v2.CommandExecutionRequestApprovalParams &
    v2.FileChangeRequestApprovalParams &
    v2.PermissionsRequestApprovalParams
>;

/**
 * Maps a server request to `approval.requested` (nothing for a request that is not an approval),
 * remembering it until the server confirms it resolved. Pure: returns the next state.
 */
export function mapApprovalRequest(state: TurnMapState, request: RpcServerRequest): MapStep {
  const kind = approvalKindOf(request);
  if (!kind) return { state, events: [] };
  const next = draft(state);
  const params = (request.params ?? {}) as ApprovalParams;
  const itemId =
    kind === "mcp_tool_call"
      ? (next.toolCalls[toolCallKey(request)] ?? idForStarted(next, ""))
      : idForStarted(next, params.itemId ?? "");
  next.approvals[String(request.id)] = { requestId: request.id, kind, itemId, decision: null };
  return {
    state: next,
    events: [
      {
        type: "approval.requested",
        request_id: request.id,
        kind,
        item_id: itemId,
        ...(kind === "command"
          ? approvalCommand(params)
          : {
              ...(params.command && { command: params.command }),
              ...(params.cwd && { cwd: params.cwd }),
            }),
        ...(params.reason && { reason: params.reason }),
        ...(kind === "mcp_tool_call" && mcpToolCallOf(request)),
      },
    ],
  };
}

/** Records the answer given to an approval (and why, if not the handler's own), for its event. */
export function recordApprovalDecision(
  state: TurnMapState,
  requestId: string | number,
  decision: ApprovalDecision,
  reason?: string,
): TurnMapState {
  const pending = state.approvals[String(requestId)];
  if (!pending) return state;
  const next = draft(state);
  next.approvals[String(requestId)] = { ...pending, decision, ...(reason && { reason }) };
  return next;
}

/**
 * The approvals still pending when the server is gone: each ends with `approval.resolved`,
 * decision null and `reason`, so a stream never shows a request without its end. Pure.
 */
export function withdrawApprovals(state: TurnMapState, reason: string): MapStep {
  const pending = Object.values(state.approvals);
  if (pending.length === 0) return { state, events: [] };
  const next = draft(state);
  next.approvals = {};
  return {
    state: next,
    events: pending.map((approval) => ({
      type: "approval.resolved",
      request_id: approval.requestId,
      kind: approval.kind,
      item_id: approval.itemId,
      decision: null,
      reason,
    })),
  };
}

/**
 * The answer to send for `decision`: `{decision}` for commands and file changes; for
 * permissions, the requested profile granted for the turn (or session), or nothing granted; for
 * an MCP tool call, the elicitation's action (`acceptForSession` accepts this call).
 */
export function approvalResponse(request: RpcServerRequest, decision: ApprovalDecision): unknown {
  const kind = approvalKindOf(request);
  if (kind === "mcp_tool_call") {
    const action = decision === "acceptForSession" ? "accept" : decision;
    return {
      action,
      content: action === "accept" ? {} : null,
      _meta: null,
    } satisfies v2.McpServerElicitationRequestResponse;
  }
  if (kind !== "permissions") return { decision };
  const requested = (request.params as Partial<v2.PermissionsRequestApprovalParams>).permissions;
  const granted = decision === "accept" || decision === "acceptForSession";
  const permissions: v2.GrantedPermissionProfile = {};
  if (granted && requested?.network) permissions.network = requested.network;
  if (granted && requested?.fileSystem) permissions.fileSystem = requested.fileSystem;
  const scope: v2.PermissionGrantScope = decision === "acceptForSession" ? "session" : "turn";
  return { permissions, scope } satisfies v2.PermissionsRequestApprovalResponse;
}
