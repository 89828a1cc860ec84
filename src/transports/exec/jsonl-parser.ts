import { StringDecoder } from "node:string_decoder";
import { ProtocolError } from "../../types/errors.js";
import { eventShapeProblem } from "./event-shape.js";
import { LINE_TOO_LONG, MAX_LINE_LENGTH } from "../line-limit.js";
import type { ThreadEvent } from "../../types/events.js";
import { normalizeEvent } from "./normalize-event.js";

/** What one chunk of stdout parsed into: the events it completed, and the error that stopped it. */
export type ParsedChunk = {
  events: ThreadEvent[];
  error?: ProtocolError;
};

const EXCERPT_LENGTH = 120;
const OPEN_BRACE = 0x7b;

/**
 * Turns the bytes of `codex exec --experimental-json` into events, with no I/O: lines may be split
 * anywhere across chunks (even inside a UTF-8 character), end in LF or CRLF, or be blank. Linear in
 * the input, however long a line is, up to `MAX_LINE_LENGTH` (a longer one is a protocol error).
 * After a protocol error it parses nothing more.
 */
export class JsonlParser {
  private readonly decoder = new StringDecoder("utf8");
  /** Pieces of the line not yet ended by a newline. */
  private partial: string[] = [];
  private partialLength = 0;
  private lineNumber = 0;
  private failed = false;

  /** Parses one chunk, returning the events of the lines it completes. */
  push(chunk: Uint8Array | string): ParsedChunk {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    return this.parseText(text, false);
  }

  /** Ends the stream: a last line without a newline still counts. */
  end(): ParsedChunk {
    return this.parseText(this.decoder.end(), true);
  }

  private parseText(text: string, final: boolean): ParsedChunk {
    const events: ThreadEvent[] = [];
    if (this.failed) return { events };
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      const error = this.parseLine(this.takeLine(text, start, newline), events);
      if (error) return this.fail(events, error);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start < text.length) {
      const piece = start === 0 ? text : text.slice(start);
      this.partial.push(piece);
      this.partialLength += piece.length;
      if (this.partialLength > MAX_LINE_LENGTH) {
        this.lineNumber += 1;
        return this.fail(events, this.error(this.partial[0]!, LINE_TOO_LONG));
      }
    }
    if (final && this.partial.length > 0) {
      const error = this.parseLine(this.takeLine("", 0, 0), events);
      if (error) return this.fail(events, error);
    }
    return { events };
  }

  private takeLine(text: string, start: number, end: number): string {
    let line = text.slice(start, end);
    if (this.partial.length > 0) {
      this.partial.push(line);
      line = this.partial.join("");
      this.partial = [];
      this.partialLength = 0;
    }
    return line;
  }

  private parseLine(line: string, events: ThreadEvent[]): ProtocolError | undefined {
    this.lineNumber += 1;
    // The common case, a line starting with `{`, skips the blank-line test.
    if (line.charCodeAt(0) !== OPEN_BRACE && line.trim().length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      return this.error(line, "not JSON", cause);
    }
    if (
      typeof value !== "object" ||
      value === null ||
      typeof (value as { type?: unknown }).type !== "string"
    ) {
      return this.error(line, "not an object with a string `type`");
    }
    const problem = eventShapeProblem(value as { type: string } & Record<string, unknown>);
    if (problem) return this.error(line, problem);
    events.push(normalizeEvent(value as ThreadEvent));
    return undefined;
  }

  private error(line: string, reason: string, cause?: unknown): ProtocolError {
    const trimmed = line.trimEnd();
    const excerpt =
      trimmed.length > EXCERPT_LENGTH ? `${trimmed.slice(0, EXCERPT_LENGTH)}…` : trimmed;
    return new ProtocolError(
      this.lineNumber,
      excerpt,
      reason,
      cause === undefined ? undefined : { cause },
    );
  }

  private fail(events: ThreadEvent[], error: ProtocolError): ParsedChunk {
    this.failed = true;
    this.partial = [];
    return { events, error };
  }
}
