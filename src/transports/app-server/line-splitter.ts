import { StringDecoder } from "node:string_decoder";

/**
 * Cuts a byte stream into lines, with no I/O: lines may be split anywhere across chunks (even
 * inside a UTF-8 character) and end in LF or CRLF; blank lines are dropped. Linear in the input,
 * however long a line is (the same approach as the exec transport's JSONL parser).
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  /** Pieces of the line not yet ended by a newline. */
  private partial: string[] = [];

  /** Takes one chunk; returns the lines it completes. */
  push(chunk: Uint8Array | string): string[] {
    return this.split(typeof chunk === "string" ? chunk : this.decoder.write(chunk), false);
  }

  /** Ends the stream: a last line without a newline still counts. */
  end(): string[] {
    return this.split(this.decoder.end(), true);
  }

  private split(text: string, final: boolean): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      this.keep(lines, this.take(text.slice(start, newline)));
      start = newline + 1;
    }
    if (start < text.length) this.partial.push(start === 0 ? text : text.slice(start));
    if (final && this.partial.length > 0) this.keep(lines, this.take(""));
    return lines;
  }

  private take(tail: string): string {
    if (this.partial.length === 0) return tail;
    this.partial.push(tail);
    const line = this.partial.join("");
    this.partial = [];
    return line;
  }

  private keep(lines: string[], line: string): void {
    const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (trimmed.trim().length > 0) lines.push(trimmed);
  }
}
