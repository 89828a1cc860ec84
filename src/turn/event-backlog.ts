import { SpillFile } from "../actors/spill-file.js";

/**
 * A turn's batches of events that wait beyond the queue's first few, kept as JSON lines: in
 * memory up to `memoryBytes`, past that in a spill file, and read back in order. The file is
 * freed once read to its end, or on `close()`.
 */
export class EventBacklog<T> {
  #memory: string[] = [];
  #memoryBytes = 0;
  #spill: SpillFile | undefined;

  constructor(private readonly memoryBytes: number) {}

  /** How many batches wait. */
  get length(): number {
    return this.#memory.length + (this.#spill?.length ?? 0);
  }

  /** How much of the backlog is in memory (the length of its JSON). */
  get bytesInMemory(): number {
    return this.#memoryBytes;
  }

  /** Whether part of the backlog is on disk now. */
  get spilled(): boolean {
    return this.#spill !== undefined;
  }

  /** Keeps a batch (once something waits on disk, every later batch goes there too). */
  push(batch: T[]): void {
    const line = JSON.stringify(batch);
    if (this.#spill === undefined && this.#memoryBytes + line.length <= this.memoryBytes) {
      this.#memory.push(line);
      this.#memoryBytes += line.length;
      return;
    }
    this.#spill ??= new SpillFile();
    this.#spill.push(line);
  }

  /** The oldest batch, or undefined when none waits. */
  shift(): T[] | undefined {
    const line = this.#memory.shift();
    if (line !== undefined) {
      this.#memoryBytes -= line.length;
      return JSON.parse(line) as T[];
    }
    if (this.#spill === undefined) return undefined;
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
