/**
 * Compiled by `npm run typecheck`, never run: `defineTransport` refuses a transport that breaks
 * the contract — an attempt that does not output an `AttemptOutcome`, does not take
 * `attempt.abort` or keeps no `AttemptView`; an `attemptInput` reading settings its session does
 * not make; a service without a `ServiceView` or `service.stop` — and accepts one that keeps it.
 */
import { setup } from "xstate";
import { NO_FAILURE_CLASSES } from "../../src/supervision/classify.js";
import { EXEC_CAPABILITIES } from "../../src/transports/exec/exec-capabilities.js";
import {
  defineTransport,
  type AttemptAbortEvent,
  type AttemptOutcome,
  type AttemptView,
  type ServiceStopEvent,
  type ServiceView,
  type TransportSession,
} from "../../src/transports/transport.js";

const OUTCOME: AttemptOutcome = {
  status: "completed",
  threadId: null,
  pid: null,
  sideEffect: null,
};

/** An attempt with this context, events and output (its input: a number). */
const attemptOf = <Context extends object, Events extends { type: string }, Output>(
  context: Context,
) =>
  setup({
    types: {
      context: {} as Context,
      events: {} as Events,
      output: {} as Output,
      input: {} as { turn: number },
    },
  }).createMachine({ context, initial: "done", states: { done: { type: "final" } } });

const VIEW: AttemptView = { pid: null, threadId: null };
const good = attemptOf<AttemptView, AttemptAbortEvent, AttemptOutcome>(VIEW);
const noOutcome = attemptOf<AttemptView, AttemptAbortEvent, { status: string }>(VIEW);
const noAbort = attemptOf<AttemptView, { type: "other" }, AttemptOutcome>(VIEW);
const noView = attemptOf<{ pid: string }, AttemptAbortEvent, AttemptOutcome>({ pid: "" });

/** A service with this context and events. */
const serviceOf = <Context extends object, Events extends { type: string }>(context: Context) =>
  setup({ types: { context: {} as Context, events: {} as Events } }).createMachine({ context });

const goodService = serviceOf<ServiceView, ServiceStopEvent>({ pid: null, restarts: 0 });
const noServiceView = serviceOf<{ pid: number }, ServiceStopEvent>({ pid: 0 });
const noStop = serviceOf<ServiceView, { type: "other" }>({ pid: null, restarts: 0 });

/** A session whose threads carry a `label`. */
const labelled: TransportSession<{ label: string }> = {
  threadSettings: () => ({ label: "x" }),
  whenNoProcess: () => Promise.resolve(),
};

const common = {
  name: "exec",
  failures: NO_FAILURE_CLASSES,
  capabilities: EXEC_CAPABILITIES,
  open: () => labelled,
} as const;

export const keepsTheContract = defineTransport<typeof good, { label: string }, typeof goodService>(
  {
    ...common,
    attempt: good,
    attemptInput: (settings) => ({ turn: settings.transportSettings.label.length }),
    service: goodService,
  },
);

export const outputsNoOutcome = defineTransport<typeof noOutcome, { label: string }>({
  ...common,
  // @ts-expect-error: its output is not an AttemptOutcome
  attempt: noOutcome,
  attemptInput: () => ({ turn: 1 }),
});

export const takesNoAbort = defineTransport<typeof noAbort, { label: string }>({
  ...common,
  // @ts-expect-error: it does not take attempt.abort
  attempt: noAbort,
  attemptInput: () => ({ turn: 1 }),
});

export const keepsNoView = defineTransport<typeof noView, { label: string }>({
  ...common,
  // @ts-expect-error: its context is not an AttemptView
  attempt: noView,
  attemptInput: () => ({ turn: 1 }),
});

export const readsSettingsItsSessionDoesNotMake = defineTransport<typeof good, { label: string }>({
  ...common,
  attempt: good,
  // @ts-expect-error: the session's thread settings have no `depth`
  attemptInput: (settings) => ({ turn: settings.transportSettings.depth }),
});

export const makesTheWrongInput = defineTransport<typeof good, { label: string }>({
  ...common,
  attempt: good,
  // @ts-expect-error: the attempt takes `{ turn: number }`
  attemptInput: () => ({ turn: "one" }),
});

export const serviceKeepsNoView = defineTransport<
  typeof good,
  { label: string },
  typeof noServiceView
>({
  ...common,
  attempt: good,
  attemptInput: () => ({ turn: 1 }),
  // @ts-expect-error: its context is not a ServiceView
  service: noServiceView,
});

export const serviceTakesNoStop = defineTransport<typeof good, { label: string }, typeof noStop>({
  ...common,
  attempt: good,
  attemptInput: () => ({ turn: 1 }),
  // @ts-expect-error: it does not take service.stop
  service: noStop,
});

export const outcome = OUTCOME;
