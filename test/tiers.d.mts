/** Types of tiers.mjs (plain JavaScript, read by the summary reporter). */
export interface Tier {
  prefix: string;
  name: string;
  budgetMinutes: number;
  suiteTitle?: RegExp;
}
export declare const TOTAL_BUDGET: { freshMinutes: number; hardLimitMinutes: number; warmCachesMinutes: number };
export declare const TIERS: Tier[];
export declare function tierOf(path: string): Tier | undefined;
export declare function tierOfSuite(title: string): Tier | undefined;
