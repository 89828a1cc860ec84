import type { CodexError } from "../types/errors.js";

/**
 * The turns of one `Codex` that have not settled yet, each with how to fail it: `shutdown()`
 * waits until there are none, and a fault of the root supervisor fails them all.
 */
export class OpenTurns {
  private readonly open = new Map<number, (error: CodexError) => void>();
  private waiters: Array<() => void> = [];

  /** Counts turn `id` open until `settled(id)`; `fail` settles it with an error. */
  opened(id: number, fail: (error: CodexError) => void): void {
    this.open.set(id, fail);
  }

  /** Turn `id` has settled. */
  settled(id: number): void {
    if (!this.open.delete(id) || this.open.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Settles every open turn with `error`. */
  failAll(error: CodexError): void {
    for (const fail of [...this.open.values()]) fail(error);
  }

  /** Resolves once no turn is open. */
  whenNone(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
