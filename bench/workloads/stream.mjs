// One streamed turn over a fake CLI (scenarios 1–4): counts events, optionally reads slowly
// (a 1 ms pause every `pauseEvery` events) and measures the latency of stamped events.
import { consumeTurn, createCodex } from "../consumers/index.mjs";

// Consumes the whole turn and returns its figures.
export async function run(spec) {
  const codex = createCodex(spec.codexOptions);
  const thread = codex.startThread({ skipGitRepoCheck: true });
  const latenciesUs = [];
  let events = 0;
  await consumeTurn(thread, "benchmark", (event) => {
    events += 1;
    if (event.sent_ns !== undefined) {
      latenciesUs.push(Number(process.hrtime.bigint() - BigInt(event.sent_ns)) / 1000);
    }
    return spec.pauseEvery && events % spec.pauseEvery === 0 ? 1 : 0;
  });
  return { events, latenciesUs: latenciesUs.length > 0 ? latenciesUs : undefined };
}
