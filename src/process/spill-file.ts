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
 * holds at most a chunk to write, a chunk read back and the line being read — unless the disk
 * fails: what it refuses stays in memory rather than being lost.
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
  /** What the disk refused, kept in memory from then on (null while the disk takes it all). */
  #stranded: Buffer | null = null;
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

  /** Writes what waits; a disk that fails (full, gone) leaves the rest in memory, lost to none. */
  #flush(): void {
    if (this.#stranded) return;
    const bytes = this.#takeUnwritten();
    let done = 0;
    try {
      while (done < bytes.length) {
        done += writeSync(this.#fd, bytes, done, bytes.length - done, this.#writeOffset + done);
      }
    } catch {
      this.#stranded = bytes.subarray(done);
    }
    this.#writeOffset += done;
  }

  #readChunk(): void {
    if (this.#readOffset === this.#writeOffset) this.#flush();
    let chunk: Buffer;
    if (this.#readOffset < this.#writeOffset) {
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      chunk = chunk.subarray(0, readSync(this.#fd, chunk, 0, CHUNK_BYTES, this.#readOffset));
      this.#readOffset += chunk.length;
    } else {
      chunk = Buffer.concat([this.#stranded!, this.#takeUnwritten()]);
      this.#stranded = Buffer.alloc(0);
    }
    const lines = (this.#partial + this.#decoder.write(chunk)).split("\n");
    this.#partial = lines.pop()!;
    this.#lines = lines;
  }

  #takeUnwritten(): Buffer {
    const bytes = Buffer.from(this.#unwritten.join(""));
    this.#unwritten = [];
    this.#unwrittenBytes = 0;
    return bytes;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing is left to free.
  }
}
