/**
 * Compiled by `npm run typecheck`, never run: a `Codex` on the exec transport streams exactly the
 * official `ThreadEvent`s (code typed against them keeps compiling), one on the app-server also
 * its own events, narrowed by `type`.
 */
import {
  Codex,
  type ApprovalHandler,
  type ThreadEvent,
  type TransportName,
} from "../../src/index.js";

/** Code written for the official SDK: a handler typed with `ThreadEvent`. */
function handle(event: ThreadEvent): string {
  return event.type;
}

export async function execStreamsThreadEvents(): Promise<void> {
  const { events } = await new Codex().startThread().runStreamed("hi");
  for await (const event of events) handle(event);
}

export async function appServerStreamsItsOwnEventsToo(): Promise<string> {
  const codex = new Codex({ transport: "app-server" });
  const { events, steer } = await codex.startThread().runStreamed("hi", { deltas: true });
  await steer("more");
  let text = "";
  for await (const event of events) {
    if (event.type === "item.delta") text += event.delta;
    else if (event.type === "approval.requested") text += event.kind;
  }
  return text;
}

/** A command approval's fields as a policy reads them: `argv` only when `simple`. */
export const readsArgv: ApprovalHandler = (request) => {
  const argv: string[] | null | undefined = request.argv;
  const simple: boolean | undefined = request.simple;
  const cwd: string | undefined = request.cwd;
  const line: string | undefined = request.command;
  return simple && argv?.join(" ") === "npm test" && cwd && line ? "accept" : "decline";
};

/** Code generic over the transport calls the app-server-only methods on `Codex<TransportName>`. */
export async function genericOverTheTransport<X extends TransportName>(
  codex: Codex<X>,
): Promise<number> {
  // @ts-expect-error: TypeScript cannot tell whether `X` is the app-server: a cast says it may be.
  await codex.listThreads();
  const { threads } = await (codex as Codex<TransportName>).listThreads();
  return threads.length;
}
