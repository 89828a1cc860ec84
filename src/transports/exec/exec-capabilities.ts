import type { TransportCapabilities } from "../transport.js";

/** One process per attempt, told everything in its argv: it can be neither steered nor asked. */
export const EXEC_CAPABILITIES: TransportCapabilities = {
  steer: false,
  approvals: false,
  deltas: false,
  outputSchemaFile: true,
  threadAdmin: false,
  liveUsage: false,
};
