/**
 * What a pod of the test ground exports at `/metrics`, in Prometheus's text exposition format
 * (version 0.0.4): `http_requests_total{code,method}` and the `http_request_duration_seconds`
 * histogram, the two series the analysis spec's examples query. Cumulative, as a real client
 * library keeps them: a counter never goes down while the pod lives.
 */

/** The default buckets of Prometheus's client libraries. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HttpMetrics {
  private readonly requests = new Map<string, number>();
  private readonly buckets = DURATION_BUCKETS.map(() => 0);
  private count = 0;
  private sum = 0;

  observe(method: string, code: number, seconds: number): void {
    const key = `${code}\u0000${method}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    DURATION_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) this.buckets[index]++;
    });
    this.count++;
    this.sum += seconds;
  }

  /** The exposition text, served with `Content-Type: text/plain; version=0.0.4`. */
  render(): string {
    const lines = ['# HELP http_requests_total Requests served, by status code and method.', '# TYPE http_requests_total counter'];
    for (const [key, value] of [...this.requests].sort()) {
      const [code, method] = key.split('\u0000');
      lines.push(`http_requests_total{code="${code}",method="${method}"} ${value}`);
    }
    lines.push('# HELP http_request_duration_seconds Time to answer a request.', '# TYPE http_request_duration_seconds histogram');
    DURATION_BUCKETS.forEach((bound, index) => lines.push(`http_request_duration_seconds_bucket{le="${bound}"} ${this.buckets[index]}`));
    lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${this.count}`);
    lines.push(`http_request_duration_seconds_sum ${this.sum}`, `http_request_duration_seconds_count ${this.count}`);
    return lines.join('\n') + '\n';
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
