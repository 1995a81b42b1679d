/** What a run did and how long each step took, for the log and the job summary. */

export interface TimelineEntry {
  step: string;
  ok: boolean;
  /** Milliseconds since the run started, when the step began. */
  startMs: number;
  durationMs: number;
  detail?: string;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private readonly started = performance.now();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  /** Runs one step, recording its duration and outcome; a failure is recorded and rethrown. */
  async step<T>(step: string, fn: () => Promise<T>, describe?: (value: T) => string | undefined): Promise<T> {
    const startMs = performance.now() - this.started;
    this.log(`▶ ${step}…`);
    try {
      const value = await fn();
      const entry = { step, ok: true, startMs, durationMs: performance.now() - this.started - startMs, detail: describe?.(value) };
      this.entries.push(entry);
      this.log(`✓ ${step} (${formatMs(entry.durationMs)})${entry.detail ? `: ${entry.detail}` : ''}`);
      return value;
    } catch (error) {
      const entry = { step, ok: false, startMs, durationMs: performance.now() - this.started - startMs, detail: (error as Error).message };
      this.entries.push(entry);
      this.log(`✗ ${step} (${formatMs(entry.durationMs)}): ${entry.detail}`);
      throw error;
    }
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
