import { StringDecoder } from "node:string_decoder";
import { MAX_LINE_LENGTH } from "../line-limit.js";

/**
 * Cuts a byte stream into lines, with no I/O: lines may be split anywhere across chunks (even
 * inside a UTF-8 character) and end in LF or CRLF; blank lines are dropped. Linear in the input,
 * however long a line is (the same approach as the exec transport's JSONL parser). A line past
 * `MAX_LINE_LENGTH` is not kept: `overlong` then holds its start, and nothing more is read.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  /** Pieces of the line not yet ended by a newline. */
  private partial: string[] = [];
  private partialLength = 0;
  /** The start of a line past `MAX_LINE_LENGTH`, once one came. */
  overlong: string | undefined;

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
    if (this.overlong !== undefined) return lines;
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      this.keep(lines, this.take(text.slice(start, newline)));
      start = newline + 1;
    }
    if (start < text.length) this.hold(start === 0 ? text : text.slice(start));
    if (final && this.partial.length > 0) this.keep(lines, this.take(""));
    return lines;
  }

  private hold(piece: string): void {
    this.partial.push(piece);
    this.partialLength += piece.length;
    if (this.partialLength <= MAX_LINE_LENGTH) return;
    this.overlong = this.partial[0]!.slice(0, 200);
    this.partial = [];
    this.partialLength = 0;
  }

  private take(tail: string): string {
    if (this.partial.length === 0) return tail;
    this.partial.push(tail);
    const line = this.partial.join("");
    this.partial = [];
    this.partialLength = 0;
    return line;
  }

  private keep(lines: string[], line: string): void {
    const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (trimmed.trim().length > 0) lines.push(trimmed);
  }
}
