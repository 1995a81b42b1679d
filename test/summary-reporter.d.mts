/** Types of summary-reporter.mjs (plain JavaScript: jest loads reporters untransformed). */
export declare function tierLines(rootDir: string, testResults: { testFilePath: string; perfStats: { start: number; end: number } }[]): string[];
declare class SummaryReporter {
  constructor(globalConfig: { rootDir: string });
  onRunComplete(contexts: unknown, results: unknown): void;
}
export default SummaryReporter;
