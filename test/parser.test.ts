import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { JsonlParser } from "../src/transports/exec/jsonl-parser.js";
import { LINE_TOO_LONG, MAX_LINE_LENGTH } from "../src/transports/line-limit.js";
import { normalizeEvent } from "../src/transports/exec/normalize-event.js";
import { CodexError, ProtocolError } from "../src/types/errors.js";
import type { ThreadEvent } from "../src/types/events.js";

/** Everything a stream parsed into: its events in order, and the first error, if any. */
type StreamResult = { events: unknown[]; error?: ProtocolError };

/** Feeds `chunks` to a fresh parser, then ends it, collecting what every call returned. */
function parseChunks(chunks: Array<Uint8Array | string>): StreamResult {
  const parser = new JsonlParser();
  const result: StreamResult = { events: [] };
  for (const parsed of [...chunks.map((chunk) => parser.push(chunk)), parser.end()]) {
    result.events.push(...parsed.events);
    if (parsed.error) {
      expect(result.error).toBeUndefined();
      result.error = parsed.error;
    }
  }
  return result;
}

/** The bytes of `text`, cut at the given byte offsets. */
function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets)].filter((at) => at > 0 && at < bytes.length);
  points.sort((a, b) => a - b);
  return [0, ...points].map((start, index) => bytes.subarray(start, points[index] ?? bytes.length));
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

const THREAD_STARTED = {
  type: "thread.started",
  thread_id: "01a20c37-6e97-7821-a0c3-9d8b68bacc58",
};
const TURN_STARTED = { type: "turn.started" };
const MESSAGE = {
  type: "item.completed",
  item: { id: "item_0", type: "agent_message", text: "héllo € 𝄞 世界 🙂" },
};
const USAGE = {
  input_tokens: 20,
  cached_input_tokens: 4,
  cache_write_input_tokens: 1,
  output_tokens: 10,
  reasoning_output_tokens: 2,
};
const TURN_COMPLETED = { type: "turn.completed", usage: USAGE };
const TURN = [THREAD_STARTED, TURN_STARTED, MESSAGE, TURN_COMPLETED];
const jsonl = (events: object[], eol = "\n") => events.map((e) => JSON.stringify(e) + eol).join("");

describe("JsonlParser: lines into events", () => {
  it("parses one event per LF-terminated line, in order", () => {
    expect(parseChunks([utf8(jsonl(TURN))])).toEqual({ events: TURN });
  });

  it("returns each event from the push that completes its line", () => {
    const parser = new JsonlParser();
    const first = JSON.stringify(THREAD_STARTED);
    expect(parser.push(first.slice(0, 10)).events).toEqual([]);
    expect(parser.push(`${first.slice(10)}\n${JSON.stringify(TURN_STARTED)}`).events).toEqual([
      THREAD_STARTED,
    ]);
    expect(parser.push("\n").events).toEqual([TURN_STARTED]);
    expect(parser.end()).toEqual({ events: [] });
  });

  it("parses the same events whatever single byte a two-chunk split happens at", () => {
    const bytes = utf8(jsonl(TURN));
    for (let at = 1; at < bytes.length; at++) {
      expect(parseChunks([bytes.subarray(0, at), bytes.subarray(at)])).toEqual({ events: TURN });
    }
  });

  it("decodes multi-byte UTF-8 characters split across chunks, even one byte per chunk", () => {
    const bytes = utf8(jsonl([MESSAGE]));
    // The text holds 2-, 3- and 4-byte characters, so single-byte chunks split each of them.
    expect(bytes.some((byte) => byte >= 0xf0)).toBe(true);
    const oneByteChunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(parseChunks(oneByteChunks)).toEqual({ events: [MESSAGE] });
  });

  it("splits a 4-byte character between every pair of its bytes", () => {
    const bytes = utf8(jsonl([{ type: "x", text: "🙂" }]));
    const start = bytes.indexOf(0xf0);
    for (const inside of [1, 2, 3]) {
      const chunks = cutAt(bytes, [start + inside]);
      expect(parseChunks(chunks).events).toEqual([{ type: "x", text: "🙂" }]);
    }
  });

  it("accepts string chunks as well as bytes", () => {
    const text = jsonl(TURN);
    expect(parseChunks([text.slice(0, 30), text.slice(30)])).toEqual({ events: TURN });
  });

  it("treats CRLF like LF", () => {
    expect(parseChunks([utf8(jsonl(TURN, "\r\n"))])).toEqual({ events: TURN });
  });

  it("handles a CRLF whose CR and LF arrive in different chunks", () => {
    const line = `${JSON.stringify(TURN_STARTED)}\r`;
    expect(parseChunks([line, "\n", `${JSON.stringify(MESSAGE)}\r`, "\n"]).events).toEqual([
      TURN_STARTED,
      MESSAGE,
    ]);
  });

  it("skips blank and whitespace-only lines", () => {
    const text = `\n${JSON.stringify(TURN_STARTED)}\n\n   \n\t\r\n \r\n${JSON.stringify(MESSAGE)}\n\n`;
    expect(parseChunks([text])).toEqual({ events: [TURN_STARTED, MESSAGE] });
  });

  it("parses a final line without a newline only when the stream ends", () => {
    const parser = new JsonlParser();
    expect(parser.push(`${JSON.stringify(TURN_STARTED)}\n${JSON.stringify(MESSAGE)}`)).toEqual({
      events: [TURN_STARTED],
    });
    expect(parser.end()).toEqual({ events: [MESSAGE] });
  });

  it("ends an empty stream, or one ending in a newline, with no events and no error", () => {
    expect(new JsonlParser().end()).toEqual({ events: [] });
    expect(parseChunks([""])).toEqual({ events: [] });
    expect(parseChunks(["   "])).toEqual({ events: [] });
  });

  it("parses a single line of 50 MB fed in 64 KiB chunks", () => {
    // 3-byte characters, so most 64 KiB boundaries fall inside a character.
    const text = "€".repeat(18 * 1024 * 1024);
    const bytes = Buffer.from(jsonl([{ type: "item.completed", item: { type: "x", text } }]));
    expect(bytes.length).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    const parser = new JsonlParser();
    const events: unknown[] = [];
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      const parsed = parser.push(bytes.subarray(at, at + 64 * 1024));
      expect(parsed.error).toBeUndefined();
      events.push(...parsed.events);
    }
    expect(parser.end()).toEqual({ events: [] });
    expect(events).toHaveLength(1);
    const [event] = events as Array<{ type: string; item: { type: string; text: string } }>;
    expect(event?.type).toBe("item.completed");
    expect(event?.item.text.length).toBe(text.length);
    expect(event?.item.text === text).toBe(true);
  });
});

describe("JsonlParser: protocol errors", () => {
  it("a line past MAX_LINE_LENGTH is a ProtocolError, not a string the host cannot hold", () => {
    const parser = new JsonlParser();
    const mib = "x".repeat(2 ** 20);
    expect(parser.push('{"type":"item.completed","text":"').error).toBeUndefined();
    let error: ProtocolError | undefined;
    for (let written = 0; !error && written <= MAX_LINE_LENGTH; written += mib.length)
      error = parser.push(mib).error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error!.message).toContain(LINE_TOO_LONG);
    expect(error!.lineNumber).toBe(1);
    expect(parser.push("\n").events).toEqual([]);
  });

  it("rejects a non-JSON line with a ProtocolError naming its 1-based line number", () => {
    const text = `${JSON.stringify(THREAD_STARTED)}\n\n   \nthis is not json\n`;
    const { events, error } = parseChunks([text]);
    expect(events).toEqual([THREAD_STARTED]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toBeInstanceOf(CodexError);
    expect(error?.name).toBe("ProtocolError");
    expect(error?.kind).toBe("protocol");
    expect(error?.lineNumber).toBe(4);
    expect(error?.excerpt).toBe("this is not json");
    expect(error?.message).toContain("line 4");
    expect(error?.message).toContain("this is not json");
    expect(error?.cause).toBeInstanceOf(SyntaxError);
  });

  it("counts lines across chunks and CRLF endings", () => {
    const text = `${jsonl([THREAD_STARTED, TURN_STARTED], "\r\n")}\r\n{"type": broken\r\n`;
    const { events, error } = parseChunks(cutAt(utf8(text), [7, 50, 61, 70]));
    expect(events).toEqual([THREAD_STARTED, TURN_STARTED]);
    expect(error?.lineNumber).toBe(4);
    expect(error?.excerpt).toBe('{"type": broken');
  });

  it("returns the events before the bad line in the same push, and nothing after it", () => {
    const parser = new JsonlParser();
    const text = `${JSON.stringify(TURN_STARTED)}\n<html>\n${JSON.stringify(MESSAGE)}\n`;
    const first = parser.push(text);
    expect(first.events).toEqual([TURN_STARTED]);
    expect(first.error?.lineNumber).toBe(2);
    expect(parser.push(jsonl([MESSAGE, TURN_COMPLETED]))).toEqual({ events: [] });
    expect(parser.push("{not json either}\n")).toEqual({ events: [] });
    expect(parser.end()).toEqual({ events: [] });
  });

  it("reports a bad final line without a newline when the stream ends", () => {
    const parser = new JsonlParser();
    expect(parser.push(`${JSON.stringify(TURN_STARTED)}\n{"type":"x"`).error).toBeUndefined();
    const last = parser.end();
    expect(last.events).toEqual([]);
    expect(last.error?.lineNumber).toBe(2);
    expect(last.error?.excerpt).toBe('{"type":"x"');
  });

  it("keeps the excerpt of a long bad line short, taken from its start", () => {
    const line = `garbage ${"x".repeat(10_000)}`;
    const { error } = parseChunks([`${line}\n`]);
    expect(error?.excerpt.length).toBeLessThanOrEqual(200);
    expect(error?.excerpt.startsWith("garbage xxx")).toBe(true);
    expect(line.startsWith(error!.excerpt.replace(/…$/, ""))).toBe(true);
    expect(error!.message.length).toBeLessThan(400);
  });

  it.each([
    ["a number", "42"],
    ["a string", '"turn.started"'],
    ["null", "null"],
    ["a boolean", "true"],
    ["an array", '[{"type":"turn.started"}]'],
    ["an object without type", '{"kind":"turn.started"}'],
    ["an object with a numeric type", '{"type":5}'],
    ["an object with a null type", '{"type":null}'],
    ["an object with an object type", '{"type":{"name":"turn.started"}}'],
    ["an item.completed without an item", '{"type":"item.completed"}'],
    ["an item.started whose item has no type", '{"type":"item.started","item":{"id":"i"}}'],
    [
      "an agent_message whose text is not a string",
      '{"type":"item.completed","item":{"id":"i","type":"agent_message","text":{"parts":[]}}}',
    ],
    ["a turn.failed without an error", '{"type":"turn.failed"}'],
  ])("rejects a JSON line that is %s with a ProtocolError", (_what, line) => {
    const { events, error } = parseChunks([`${JSON.stringify(TURN_STARTED)}\n${line}\n`]);
    expect(events).toEqual([TURN_STARTED]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error?.lineNumber).toBe(2);
    expect(error?.excerpt).toBe(line);
  });
});

describe("event normalisation", () => {
  it("passes events of unknown types through untouched", () => {
    const unknown = {
      type: "thread.compacted",
      nested: { list: [1, "two", null, { deep: true }] },
      "odd key": "é",
    };
    const unknownItem = { type: "item.completed", item: { id: "i1", type: "hologram", x: [1] } };
    expect(parseChunks([jsonl([unknown, unknownItem])])).toEqual({
      events: [unknown, unknownItem],
    });
  });

  it("keeps the fields of known events, including ones this version does not declare", () => {
    const event = { type: "item.started", item: { id: "c", type: "command_execution" }, extra: 1 };
    expect(parseChunks([jsonl([event])]).events).toEqual([event]);
  });

  it("reports a running command's exit_code null as absent, as the official types have it", () => {
    const running = {
      type: "item.started",
      item: {
        id: "c",
        type: "command_execution",
        command: "ls",
        exit_code: null,
        status: "in_progress",
      },
    };
    const [event] = parseChunks([jsonl([running])]).events;
    expect(event).toMatchObject({ item: { id: "c", status: "in_progress" } });
    expect((event as { item: { exit_code?: unknown } }).item.exit_code).toBeUndefined();
  });

  it("keeps a complete turn.completed usage as it is", () => {
    expect(parseChunks([jsonl([TURN_COMPLETED])]).events).toEqual([TURN_COMPLETED]);
  });

  it("fills every usage field codex leaves out with 0", () => {
    const older = { type: "turn.completed", usage: { input_tokens: 7, output_tokens: 3 } };
    expect(parseChunks([jsonl([older])]).events).toEqual([
      {
        type: "turn.completed",
        usage: {
          input_tokens: 7,
          cached_input_tokens: 0,
          cache_write_input_tokens: 0,
          output_tokens: 3,
          reasoning_output_tokens: 0,
        },
      },
    ]);
  });

  it("gives a turn.completed without usage a usage of five zeros", () => {
    const event = normalizeEvent({ type: "turn.completed" } as unknown as ThreadEvent);
    expect(event).toEqual({
      type: "turn.completed",
      usage: {
        input_tokens: 0,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        output_tokens: 0,
        reasoning_output_tokens: 0,
      },
    });
  });

  it("returns other events as they are", () => {
    const failed: ThreadEvent = { type: "turn.failed", error: { message: "boom" } };
    expect(normalizeEvent(failed)).toBe(failed);
    expect(failed).toEqual({ type: "turn.failed", error: { message: "boom" } });
  });
});

/** The values an arbitrary generates. */
type Generated<A> = A extends fc.Arbitrary<infer T> ? T : never;

describe("JsonlParser: properties", () => {
  /** An event: any JSON object with a unicode string `type`. */
  const eventArb = fc
    .tuple(
      fc.string({ unit: "binary" }).filter((type) => type !== "turn.completed"),
      fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue({ stringUnit: "binary" })),
    )
    .map(([type, fields]) => ({ ...fields, type }));

  /** An event as a line: optional blank lines before it, spaces around it, LF or CRLF after. */
  const lineArb = fc.record({
    event: eventArb,
    blanksBefore: fc.array(fc.constantFrom("", " ", "\t", " \t "), { maxLength: 2 }),
    padding: fc.constantFrom("", " ", "\t"),
    eol: fc.constantFrom("\n", "\r\n"),
  });

  /** A whole stream of lines, the last possibly without its newline. */
  const streamArb = fc.record({
    lines: fc.array(lineArb, { maxLength: 12 }),
    finalNewline: fc.boolean(),
  });

  const render = ({ lines, finalNewline }: Generated<typeof streamArb>) => {
    const text = lines
      .map(({ event, blanksBefore, padding, eol }) => {
        const blanks = blanksBefore.map((blank) => blank + eol).join("");
        return `${blanks}${padding}${JSON.stringify(event)}${padding}${eol}`;
      })
      .join("");
    return utf8(finalNewline ? text : text.replace(/\r?\n$/, ""));
  };

  it("parses a whole stream into exactly the events that were written", () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const expected = stream.lines.map(({ event }) => JSON.parse(JSON.stringify(event)));
        expect(parseChunks([render(stream)])).toEqual({ events: expected });
      }),
    );
  });

  it("parses any chunking of the byte stream to the same events as the whole stream", () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 40 }), (stream, cuts) => {
        const bytes = render(stream);
        const offsets = cuts.map((cut) => cut % (bytes.length + 1));
        expect(parseChunks(cutAt(bytes, offsets))).toEqual(parseChunks([bytes]));
      }),
    );
  });

  it("reports the same bad line, after the same events, under any chunking", () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.nat(),
        fc.constantFrom("not json", "{", "[]", '{"type":1}', "null"),
        fc.array(fc.nat(), { maxLength: 20 }),
        (stream, position, garbage, cuts) => {
          const bytes = render(stream);
          const text = Buffer.from(bytes).toString("utf8");
          const lines = text.split("\n");
          const at = position % (lines.length + 1);
          const corrupted = utf8([...lines.slice(0, at), garbage, ...lines.slice(at)].join("\n"));
          const whole = parseChunks([corrupted]);
          expect(whole.error).toBeInstanceOf(ProtocolError);
          expect(whole.error?.lineNumber).toBe(at + 1);
          const offsets = cuts.map((cut) => cut % (corrupted.length + 1));
          const chunked = parseChunks(cutAt(corrupted, offsets));
          expect(chunked.events).toEqual(whole.events);
          expect(chunked.error?.lineNumber).toBe(whole.error?.lineNumber);
          expect(chunked.error?.excerpt).toBe(whole.error?.excerpt);
        },
      ),
    );
  });
});
