import { BudgetExceededError, type BudgetScope, type BudgetStop } from "../types/errors.js";
import type { Budget, Spent } from "../types/options.js";

/* Budgets, decided purely: what a turn may start with, and what a running turn may not cross. */

/** Nothing spent yet. */
export const NOTHING_SPENT: Spent = Object.freeze({ tokens: 0, turns: 0 });

/** One budget as it is checked: whose, its limits, and what was spent against them. */
export type BudgetLedger = { scope: BudgetScope; budget: Budget | undefined; spent: Spent };

/** A budget a turn may not start past, or has crossed: what the error will say. */
export type Breach = {
  scope: BudgetScope;
  measure: "tokens" | "turns";
  spent: number;
  limit: number;
};

/**
 * The first budget that leaves a turn no room to start: its tokens spent up to the limit, or (for
 * a new turn, not a restart) its turns. Null when the turn may start.
 */
export function breachBeforeStart(
  ledgers: readonly BudgetLedger[],
  newTurn: boolean,
): Breach | null {
  for (const { scope, budget, spent } of ledgers) {
    if (budget?.maxTokens !== undefined && spent.tokens >= budget.maxTokens)
      return { scope, measure: "tokens", spent: spent.tokens, limit: budget.maxTokens };
    if (newTurn && budget?.maxTurns !== undefined && spent.turns >= budget.maxTurns)
      return { scope, measure: "turns", spent: spent.turns, limit: budget.maxTurns };
  }
  return null;
}

/** The first token budget a running turn has gone past, or null. */
export function breachWhileRunning(ledgers: readonly BudgetLedger[]): Breach | null {
  for (const { scope, budget, spent } of ledgers) {
    if (budget?.maxTokens !== undefined && spent.tokens > budget.maxTokens)
      return { scope, measure: "tokens", spent: spent.tokens, limit: budget.maxTokens };
  }
  return null;
}

/** The error a turn ends with for `breach`, stopped at `stoppedAt`. */
export function budgetError(breach: Breach, stoppedAt: BudgetStop): BudgetExceededError {
  return new BudgetExceededError(
    breach.scope,
    breach.measure,
    breach.spent,
    breach.limit,
    stoppedAt,
  );
}

/** `spent` with `tokens` more tokens and `turns` more turns. */
export function spend(spent: Spent, tokens: number, turns = 0): Spent {
  return { tokens: spent.tokens + tokens, turns: spent.turns + turns };
}
