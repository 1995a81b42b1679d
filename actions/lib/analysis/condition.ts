/** Success conditions: `< 0.001` on the value, or `ratio <= 1.2` on value ÷ baseline. */

export type Operator = '<' | '<=' | '>' | '>=' | '==';

export interface Condition {
  operator: Operator;
  threshold: number;
  /** Judge value ÷ baseline (both queried at the same instant) instead of the value. */
  ratio: boolean;
}

const CONDITION = /^\s*(ratio\s*)?(<=|>=|==|<|>)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*$/i;

export function parseCondition(text: string): Condition | undefined {
  const match = CONDITION.exec(text);
  if (!match) return undefined;
  const threshold = Number(match[3]);
  return Number.isFinite(threshold) ? { operator: match[2] as Operator, threshold, ratio: Boolean(match[1]) } : undefined;
}

export function holds({ operator, threshold }: Condition, value: number): boolean {
  switch (operator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
  }
}

/** `ratio <= 1.2`, `< 0.001`: as the user wrote it, normalised. */
export function formatCondition({ operator, threshold, ratio }: Condition): string {
  return `${ratio ? 'ratio ' : ''}${operator} ${threshold}`;
}
