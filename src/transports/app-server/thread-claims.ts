/**
 * The threads that have a turn running on one app-server. The server takes a second `turn/start`
 * on a busy thread as more input for the running turn, so two `Thread` objects of one id (two
 * `resumeThread(id)`, or a resume while the started one runs) would merge their turns: the second
 * is refused instead, as `codex exec` refuses a second writer of a thread.
 */
export class ThreadClaims {
  #running = new Set<string>();

  /** Marks a turn of `threadId` as running; returns its release, or null if one runs already. */
  claim(threadId: string): (() => void) | null {
    if (this.#running.has(threadId)) return null;
    this.#running.add(threadId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running.delete(threadId);
    };
  }
}
