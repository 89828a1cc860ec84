import type { CodexError } from "../../types/errors.js";
import type { RpcConnection } from "./rpc-connection.js";

/**
 * A running app-server as turns use it: its connection and its pid (process group leader). Its
 * stdout is read as it comes, never paused for one turn: a turn's consumer that falls behind
 * keeps its own events (`EventQueue`).
 */
export type ServerSession = { connection: RpcConnection; pid: number };

type Waiter = { resolve: (session: ServerSession) => void; reject: (error: CodexError) => void };

/**
 * Where the turns of one `Codex` meet its app-server, out of actor state (JSON shows nothing of
 * it). The server actor attaches each session it starts and detaches it when the process ends;
 * a turn `acquire`s the session, which asks the server actor to start one when there is none, and
 * `hold`s it while it runs, so the process keeps the host alive only while a turn needs it.
 */
export class AppServerLink {
  #session: ServerSession | null = null;
  #waiters: Waiter[] = [];
  #demand: (() => void) | null = null;
  #holders = 0;
  #onHeld = new Set<(held: boolean) => void>();
  #process: Promise<void> = Promise.resolve();
  #closed: CodexError | null = null;

  /** Called by the server actor: how to ask it for a server. */
  bind(demand: () => void): void {
    this.#demand = demand;
  }

  /** The running server, started on demand; rejects if it could not be started. */
  acquire(): Promise<ServerSession> {
    if (this.#closed) return Promise.reject(this.#closed);
    // A session whose connection closed is dead, even before its process's exit is seen.
    if (this.#session?.connection.isOpen) return Promise.resolve(this.#session);
    return new Promise<ServerSession>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#demand?.();
    });
  }

  /** A turn uses the server until it calls the function returned. */
  hold(): () => void {
    if (this.#holders++ === 0) this.#announceHeld(true);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holders === 0) this.#announceHeld(false);
    };
  }

  /** Whether a turn uses the server now. */
  get held(): boolean {
    return this.#holders > 0;
  }

  /** How many turns use the server now. */
  get holders(): number {
    return this.#holders;
  }

  /** Listens to changes of `held`; returns the function that stops listening. */
  onHeldChange(listener: (held: boolean) => void): () => void {
    this.#onHeld.add(listener);
    return () => this.#onHeld.delete(listener);
  }

  /** The server actor's session is ready: turns waiting for it get it. */
  attach(session: ServerSession): void {
    this.#session = session;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(session);
  }

  /** The server is gone (or could not start): turns waiting for it reject with `error`. */
  detach(error: CodexError): void {
    this.#session = null;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /** No server will start any more (the `Codex` shut down): every acquire rejects with `error`. */
  close(error: CodexError): void {
    this.#closed = error;
    this.detach(error);
  }

  /** Whether a turn waits for a server. */
  get awaited(): boolean {
    return this.#waiters.length > 0;
  }

  /** Called by the server actor with a promise of its process's exit. */
  trackProcess(exited: Promise<void>): void {
    this.#process = exited;
  }

  /** Resolves once no server process of this link runs. */
  whenNoProcess(): Promise<void> {
    return this.#process;
  }

  /** What serializing shows: that there is a link, not the connection. */
  toJSON(): string {
    return "[app-server link]";
  }

  #announceHeld(held: boolean): void {
    for (const listener of [...this.#onHeld]) listener(held);
  }
}
