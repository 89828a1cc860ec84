import type { Attributes, Meter } from "@opentelemetry/api";
import type { ChannelError, TurnMessage } from "../telemetry/channels.js";

/** The instruments codex-actors records: turns, failures, restarts, tokens, turn durations. */
export class TurnMetrics {
  private readonly turns;
  private readonly failures;
  private readonly restarts;
  private readonly tokens;
  private readonly duration;

  constructor(meter: Meter) {
    this.turns = meter.createCounter("codex.turns", {
      description: "Turns that ended, by outcome (completed, failed, aborted).",
    });
    this.failures = meter.createCounter("codex.turn.failures", {
      description: "Turns that failed, by error kind.",
    });
    this.restarts = meter.createCounter("codex.turn.restarts", {
      description: "Attempts restarted by supervision, by the failed attempt's error kind.",
    });
    this.tokens = meter.createCounter("codex.tokens", {
      description: "Tokens used by completed turns, by type (input, cached_input, output).",
      unit: "{token}",
    });
    this.duration = meter.createHistogram("codex.turn.duration", {
      description: "Time from a turn's start to its end, queueing and restarts included.",
      unit: "s",
    });
  }

  /** Records a turn that ended after `seconds`. */
  turnEnded(message: TurnMessage, seconds: number, errorKind: string | undefined): void {
    const attributes: Attributes = {
      "codex.outcome": message.outcome ?? "failed",
      "codex.transport": message.transport,
      ...(message.model ? { "codex.model": message.model } : {}),
    };
    this.turns.add(1, attributes);
    this.duration.record(seconds, attributes);
    if (message.outcome === "failed")
      this.failures.add(1, { "codex.error.kind": errorKind ?? "unknown" });
    const usage = message.usage;
    if (usage) {
      this.tokens.add(usage.input_tokens, { "codex.token.type": "input" });
      this.tokens.add(usage.cached_input_tokens, { "codex.token.type": "cached_input" });
      this.tokens.add(usage.output_tokens, { "codex.token.type": "output" });
    }
  }

  /** Records a restart after a failure of `error`'s kind. */
  restarted(error: ChannelError): void {
    this.restarts.add(1, { "codex.error.kind": error.kind });
  }
}
