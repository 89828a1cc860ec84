/** The local stand-in for the model API, for offline demos and tests of the real binary. */
export { ModelStandIn, type RecordedRequest, type FallbackReply } from "./server.js";
export * from "./replies.js";
export { standInConfig } from "./config.js";
