import type { TransportCapabilities } from "../transport.js";

/** A JSON-RPC session with a running server: steered, asked, streamed; the schema sent inline. */
export const APP_SERVER_CAPABILITIES: TransportCapabilities = {
  steer: true,
  approvals: true,
  deltas: true,
  outputSchemaFile: false,
  threadAdmin: true,
  liveUsage: true,
};
