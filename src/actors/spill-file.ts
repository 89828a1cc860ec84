import { randomUUID } from "node:crypto";
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";

/** How much is written, or read back, at once. */
const CHUNK_BYTES = 64 * 1024;

/** Closes the file of a spill nobody references any more (a stream dropped unread). */
const orphans = new FinalizationRegistry<number>((fd) => closeQuietly(fd));

/**
 * Lines kept on disk instead of in memory, read back in the order they were added. The file is
 * private (0600) and unlinked as soon as it is open, so nothing is left on disk whatever ends
 * the process; its space is freed by `close()`, or when the spill is collected. In memory it
 * holds at most a chunk to write, a chunk read back and the line being read.
 */
export class SpillFile {
  readonly #fd: number;
  readonly #decoder = new StringDecoder("utf8");
  /** Text added and not yet written. */
  #unwritten: string[] = [];
  #unwrittenBytes = 0;
  #writeOffset = 0;
  #readOffset = 0;
  /** Lines read back and not yet taken, and the start of the next one. */
  #lines: string[] = [];
  #partial = "";
  #count = 0;
  #closed = false;

  constructor(directory = tmpdir()) {
    const file = path.join(directory, `codex-actors-events-${randomUUID()}`);
    this.#fd = openSync(file, "wx+", 0o600);
    unlinkSync(file);
    orphans.register(this, this.#fd, this);
  }

  /** How many lines are kept and not yet taken. */
  get length(): number {
    return this.#count;
  }

  /** Keeps one line (it must hold no newline). */
  push(line: string): void {
    if (this.#closed) return;
    this.#unwritten.push(line, "\n");
    this.#unwrittenBytes += line.length + 1;
    this.#count += 1;
    if (this.#unwrittenBytes >= CHUNK_BYTES) this.#flush();
  }

  /** The oldest line not yet taken, or undefined when none is kept. */
  shift(): string | undefined {
    if (this.#count === 0) return undefined;
    while (this.#lines.length === 0) this.#readChunk();
    this.#count -= 1;
    return this.#lines.shift();
  }

  /** Frees the file; what it kept is gone. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#count = 0;
    this.#lines = [];
    this.#unwritten = [];
    orphans.unregister(this);
    closeQuietly(this.#fd);
  }

  #flush(): void {
    const bytes = Buffer.from(this.#unwritten.join(""));
    this.#unwritten = [];
    this.#unwrittenBytes = 0;
    for (let done = 0; done < bytes.length;) {
      done += writeSync(this.#fd, bytes, done, bytes.length - done, this.#writeOffset + done);
    }
    this.#writeOffset += bytes.length;
  }

  #readChunk(): void {
    if (this.#readOffset === this.#writeOffset) this.#flush();
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const read = readSync(this.#fd, chunk, 0, CHUNK_BYTES, this.#readOffset);
    this.#readOffset += read;
    const text = this.#partial + this.#decoder.write(chunk.subarray(0, read));
    const lines = text.split("\n");
    this.#partial = lines.pop()!;
    this.#lines = lines;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing is left to free.
  }
}
