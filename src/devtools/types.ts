/** Options of `codex.devtools()`. */
export type DevtoolsOptions = {
  /** The loopback port to listen on; 0 (the default) picks a free one. */
  port?: number;
};

/** A running devtools page server (loopback only, read-only). */
export type DevtoolsServer = {
  /** The page's address, with the token every request must carry: open it in a browser. */
  url: string;
  /** Stops the server, ends the live connections and unsubscribes from the channels. */
  close(): Promise<void>;
};
