import { SpillFile } from "../process/spill-file.js";

/**
 * A turn's batches of events that wait beyond the queue's first few, kept as JSON lines: in
 * memory up to `memoryBytes`, past that in a spill file, and read back in order. The file is
 * freed once read to its end, or on `close()`.
 */
export class EventBacklog<T> {
  #memory: string[] = [];
  #memoryBytes = 0;
  /** The file past the bound; null when the last try to make one failed (tried again later). */
  #spill: SpillFile | null | undefined;

  constructor(
    private readonly memoryBytes: number,
    private readonly spillDirectory?: string,
  ) {}

  /** How many batches wait. */
  get length(): number {
    return this.#memory.length + (this.#spill?.length ?? 0);
  }

  /** Whether part of the backlog is on disk now. */
  get spilled(): boolean {
    return Boolean(this.#spill);
  }

  /** Keeps a batch (once something waits on disk, every later batch goes there too). */
  push(batch: T[]): void {
    const line = JSON.stringify(batch);
    if (!this.#spill && this.#memoryBytes + line.length <= this.memoryBytes) {
      this.#memory.push(line);
      this.#memoryBytes += line.length;
      return;
    }
    this.#spill ??= openSpill(this.spillDirectory);
    if (this.#spill) this.#spill.push(line);
    else this.#memory.push(line); // No file could be made: memory, rather than a lost event.
  }

  /** The oldest batch, or undefined when none waits. */
  shift(): T[] | undefined {
    const line = this.#memory.shift();
    if (line !== undefined) {
      this.#memoryBytes -= line.length;
      return JSON.parse(line) as T[];
    }
    if (!this.#spill) return undefined;
    const spilled = this.#spill.shift()!;
    if (this.#spill.length === 0) {
      this.#spill.close();
      this.#spill = undefined;
    }
    return JSON.parse(spilled) as T[];
  }

  /** Drops what waits and frees the file. */
  close(): void {
    this.#memory = [];
    this.#memoryBytes = 0;
    this.#spill?.close();
    this.#spill = undefined;
  }
}

/** A new spill file, or null when none can be made (no temp folder, no space, no descriptor). */
function openSpill(directory: string | undefined): SpillFile | null {
  try {
    return new SpillFile(directory);
  } catch {
    return null;
  }
}
