import {
  delayed,
  hang,
  message,
  reply,
  type FallbackReply,
  type RecordedRequest,
} from "../../model-stand-in/index.js";

/** One model request of a turn, as the stand-in saw it: which worker asked, for which prompt. */
export type ModelCall = {
  /** The worker's label, read from its API key (`demo-worker-<label>`). */
  worker: string;
  /** The turn's prompt (`thread N, turn M`). */
  prompt: string;
  /** Whether an earlier request carried the same prompt (the turn runs again). */
  again: boolean;
};

/** How long the stand-in takes to answer an ordinary turn: long enough to watch. */
const ANSWER_MS = 700;

/**
 * The stand-in's answers for the cluster demo: every turn gets a short answer after `ANSWER_MS`,
 * but the first request for `slowPrompt` hangs (the turn its worker is killed in); asked again,
 * it is answered too. `onCall` hears of each request as it comes.
 */
export function clusterScript(
  slowPrompt: string,
  onCall: (call: ModelCall) => void,
): FallbackReply {
  const seen = new Set<string>();
  return (request) => {
    const prompt = promptOf(request);
    const call = { worker: workerOf(request), prompt, again: seen.has(prompt) };
    seen.add(prompt);
    onCall(call);
    return prompt === slowPrompt && !call.again
      ? hang()
      : delayed(ANSWER_MS, reply(message(`Done: ${prompt}.`)));
  };
}

/** The last prompt of ours in the request's input (codex adds user messages of its own). */
function promptOf(request: RecordedRequest): string {
  const input = Array.isArray(request.body.input)
    ? (request.body.input as Array<{ role?: unknown; content?: unknown }>)
    : [];
  const texts = input
    .filter((item) => item.role === "user" && Array.isArray(item.content))
    .flatMap((item) => item.content as Array<{ text?: unknown }>)
    .flatMap((part) => (typeof part.text === "string" ? [part.text] : []));
  return texts.reverse().find((text) => /^thread \d+, turn \d+$/.test(text)) ?? "(unknown prompt)";
}

function workerOf(request: RecordedRequest): string {
  const auth = String(request.headers.authorization ?? "");
  return /demo-worker-(\w+)$/.exec(auth)?.[1] ?? "?";
}
