import type { CodexError } from "../../types/errors.js";
import type { RpcConnection } from "./rpc-connection.js";
import { ThreadClaims } from "./thread-claims.js";

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
  /** The threads with a turn running on this `Codex`'s server. */
  readonly threads = new ThreadClaims();
  #session: ServerSession | null = null;
  #waiters: Waiter[] = [];
  #demand: (() => void) | null = null;
  #check: (() => void) | null = null;
  #checking = false;
  #holders = 0;
  #onHeld = new Set<(held: boolean) => void>();
  #process: Promise<void> = Promise.resolve();
  #closed: CodexError | null = null;

  /** Called by the server actor: how to ask it for a server. */
  bind(demand: () => void): void {
    this.#demand = demand;
  }

  /**
   * The running server, started on demand; rejects if it could not be started. A server whose
   * connection closed (even before its exit is seen) or that is being checked is not handed out:
   * the turn waits for the check, or for the next server.
   */
  acquire(): Promise<ServerSession> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#session?.connection.isOpen && !this.#checking) return Promise.resolve(this.#session);
    return new Promise<ServerSession>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#session) this.#demand?.();
    });
  }

  /**
   * A turn missed a deadline (its idle timeout): the server is checked (it must answer within a
   * bound, or it is ended and replaced), and no turn gets it until it has answered.
   */
  suspect(): void {
    if (!this.#session || this.#checking) return;
    this.#checking = true;
    this.#check?.();
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

  /**
   * The server actor's session is ready (or has answered its check): turns waiting for it get it.
   * `check` asks the server to prove it still answers.
   */
  attach(session: ServerSession, check: () => void): void {
    this.#session = session;
    this.#check = check;
    this.#checking = false;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(session);
  }

  /** The running server is gone: turns waiting for it wait for the next one. */
  withdraw(): void {
    this.#session = null;
    this.#check = null;
    this.#checking = false;
  }

  /** The server could not start (or is gone): turns waiting for it reject with `error`. */
  detach(error: CodexError): void {
    this.withdraw();
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
