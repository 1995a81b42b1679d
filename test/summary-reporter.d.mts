/** Types of summary-reporter.mjs (plain JavaScript: jest loads reporters untransformed). */
/** One line per tier (its files' times summed, against its budget), then the run's wall time when given. */
export declare function tierLines(rootDir: string, testResults: { testFilePath: string; perfStats: { start: number; end: number } }[], wallMs?: number): string[];
declare class SummaryReporter {
  constructor(globalConfig: { rootDir: string });
  onRunComplete(contexts: unknown, results: unknown): void;
}
export default SummaryReporter;
