/** The public types: events, items, options, turns and errors. */
export * from "./events.js";
export * from "./items.js";
export * from "./options.js";
export * from "./turn.js";
export * from "./errors.js";
export * from "./supervision.js";
export * from "./app-server.js";
export * from "./app-server-errors.js";
export type { JsonTypeName, OutputSchema, SchemaOutput } from "./schema-output.js";
export * from "./tools.js";
