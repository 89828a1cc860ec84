// The local model stand-in for the real-binary scenarios, run in the benchmark's own process so
// that a consumer's process holds only the consumer (its CPU figures are the consumer's).
import {
  message,
  ModelStandIn,
  reply,
  shellCommand,
  standInConfig,
} from "../build/model-stand-in/index.js";

// Starts a stand-in that answers every turn: with `withCommand`, a shell command first, then
// "done" once the command's output comes back; else "done" at once. Returns it and the `config`
// that points codex at it.
export async function startStandIn({ withCommand }) {
  const standIn = await ModelStandIn.start([], (request) =>
    withCommand && !answersCommand(request)
      ? reply(shellCommand("echo turn"))
      : reply(message("done")),
  );
  return { standIn, config: standInConfig(standIn.url) };
}

// Whether the request carries a command's output (the model's second call in a turn).
function answersCommand(request) {
  const input = request.body.input;
  return Array.isArray(input) && input.at(-1)?.type === "function_call_output";
}
