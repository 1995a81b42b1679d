export const id = 59;
export const ids = [59];
export const modules = {

/***/ 8059:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  executeSmokeTest: () => (/* binding */ executeSmokeTest)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./actions/lib/check-spec.ts
var check_spec = __webpack_require__(8176);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
;// CONCATENATED MODULE: ./actions/lib/retry.ts
/** Backoff shared by every retry loop of the suite: HTTP requests, smoke checks, STS calls. */
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
/** The wait before retry number `retry` (1 for the first retry): the ceiling doubles each time. */
function backoffDelay(retry, { baseMs, capMs, jitter = 'full' }, random = Math.random) {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
    return Math.round(jitter === 'full' ? random() * ceiling : ceiling / 2 + (random() * ceiling) / 2);
}
/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text))
        return Math.round(Number(text) * 1000);
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./actions/lib/http.ts
/**
 * One HTTP helper for the suite: a timeout per attempt, bounded retries with full-jitter backoff
 * that honour `Retry-After`, and retries only of what is safe to repeat. Callers may pass an undici
 * dispatcher (a CA, a client certificate) and extra headers — blue-green-deploy sends smoke checks
 * through the Kubernetes API server's proxy that way.
 */


class HttpError extends Error {
    code;
    attempts;
    latencyMs;
    constructor(message, code, attempts, latencyMs) {
        super(message);
        this.code = code;
        this.attempts = attempts;
        this.latencyMs = latencyMs;
        this.name = 'HttpError';
    }
}
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRY_STATUSES = new Set([408, 500, 502, 503, 504]);
/** Network failures where the request never reached the server: safe to repeat for any method. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
function networkCode(error) {
    const err = error;
    if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError')
        return 'ETIMEDOUT';
    return err?.cause?.code ?? err?.code ?? 'ENETWORK';
}
function describe(code, error, timeoutMs) {
    if (code === 'ETIMEDOUT')
        return `timed out after ${timeoutMs} ms`;
    if (code === 'ECONNREFUSED')
        return 'connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
        return 'connection reset';
    const cause = error?.cause?.message;
    return cause ?? error?.message ?? String(error);
}
async function httpRequest(url, options = {}) {
    const method = (options.method ?? 'GET').toUpperCase();
    const attempts = Math.max(1, options.attempts ?? 3);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const wait = options.sleep ?? sleep;
    const safe = IDEMPOTENT.has(method) || options.retryUnsafe === true;
    const backoff = { baseMs: options.retryBaseMs ?? 500, capMs: options.retryCapMs ?? 10_000 };
    for (let attempt = 1;; attempt++) {
        const remaining = options.deadline === undefined ? Infinity : options.deadline - Date.now();
        const attemptTimeout = Math.max(1, Math.min(timeoutMs, remaining));
        const started = performance.now();
        let retryReason;
        let retryAfterMs;
        let lastResponse;
        try {
            const response = await (0,undici/* fetch */.hd)(url, {
                method,
                headers: options.headers,
                body: options.body,
                redirect: options.followRedirects === false ? 'manual' : 'follow',
                dispatcher: options.dispatcher,
                signal: AbortSignal.timeout(attemptTimeout),
            });
            const body = await response.text();
            const result = { status: response.status, headers: response.headers, body, url: response.url || String(url), attempts: attempt, latencyMs: performance.now() - started };
            const retryable = response.status === 429 || (safe && RETRY_STATUSES.has(response.status));
            if (!retryable || attempt >= attempts)
                return result;
            retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
            if (retryAfterMs !== undefined && retryAfterMs > (options.maxRetryAfterMs ?? 60_000))
                return result;
            lastResponse = result;
            retryReason = `HTTP ${response.status}`;
        }
        catch (error) {
            const code = networkCode(error);
            const latencyMs = performance.now() - started;
            const message = describe(code, error, attemptTimeout);
            if (attempt >= attempts || !(safe || NEVER_SENT.has(code)))
                throw new HttpError(message, code, attempt, latencyMs);
            retryReason = message;
        }
        const delayMs = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, backoff, options.random));
        if (options.deadline !== undefined && Date.now() + delayMs >= options.deadline) {
            if (lastResponse)
                return lastResponse;
            throw new HttpError(`${retryReason}; no time left before the deadline to retry`, 'EDEADLINE', attempt, 0);
        }
        options.onRetry?.({ attempt, delayMs, reason: retryReason });
        await wait(delayMs);
    }
}

;// CONCATENATED MODULE: ./actions/lib/checks.ts



const RETRY_DELAY_CAP_MS = 30_000;
function resolveUrl(url, baseUrl) {
    if (/^https?:\/\//i.test(url) || !baseUrl)
        return url;
    return baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}
async function runOne(check, options, deadline) {
    const url = resolveUrl(check.url, options.baseUrl);
    const wait = options.sleep ?? sleep;
    const result = { name: check.name, url, ok: false, status: null, attempts: 0, latencyMs: null, error: null };
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
        result.attempts = attempt;
        try {
            const response = await httpRequest(url, {
                method: check.method,
                headers: { ...options.headers, ...check.headers },
                body: check.body,
                timeoutMs: options.timeoutMs,
                attempts: 1, // the check's own attempts are the retries
                followRedirects: check.followRedirects,
                dispatcher: options.dispatcher,
                deadline,
            });
            result.status = response.status;
            result.latencyMs = Math.round(response.latencyMs);
            result.error = (0,check_spec/* judgeResponse */.xB)(check, response) ?? null;
        }
        catch (error) {
            result.status = null;
            result.latencyMs = error instanceof HttpError ? Math.round(error.latencyMs) : null;
            result.error = error.message;
        }
        if (!result.error) {
            result.ok = true;
            return result;
        }
        if (attempt === options.attempts)
            break;
        const delay = backoffDelay(attempt, { baseMs: options.retryDelayMs, capMs: RETRY_DELAY_CAP_MS, jitter: 'equal' }, options.random);
        if (Date.now() + delay >= deadline) {
            result.error += ' (deadline reached)';
            break;
        }
        await wait(delay);
    }
    return result;
}
async function runChecks(checks, options) {
    const started = performance.now();
    const deadline = Date.now() + options.deadlineMs;
    const results = new Array(checks.length);
    let next = 0;
    const worker = async () => {
        while (next < checks.length) {
            const index = next++;
            results[index] = await runOne(checks[index], options, deadline);
            options.onResult?.(results[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, checks.length)) }, worker));
    const failed = results.filter((result) => !result.ok).length;
    return { results, passed: failed === 0, failed, durationMs: Math.round(performance.now() - started) };
}

;// CONCATENATED MODULE: ./actions/lib/secrets.ts
/** Secret masking: every secret is registered with the runner before any line that could show it. */

/** Registers a secret and the forms it may be printed in (URL-encoded; a URL's path and query). */
function maskSecret(value) {
    if (!value)
        return;
    const forms = new Set([value, encodeURIComponent(value)]);
    if (/^https?:\/\//i.test(value)) {
        try {
            const url = new URL(value);
            if (url.pathname.length > 1)
                forms.add(url.pathname + url.search);
        }
        catch {
            // not a URL after all: the whole value is masked already
        }
    }
    for (const form of forms)
        (0,core/* setSecret */.Pq)(form);
}

;// CONCATENATED MODULE: ./actions/lib/summary.ts
/** Job summary helpers: Markdown built as plain strings (readable in a terminal too), written once. */

/** A table cell: pipes escaped, line breaks kept as <br>. */
function cell(value) {
    return String(value ?? '')
        .replace(/\\/g, '\\\\')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, '<br>');
}
function table(headers, rows) {
    const lines = [`| ${headers.map(cell).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
    for (const row of rows)
        lines.push(`| ${row.map(cell).join(' | ')} |`);
    return lines.join('\n');
}
function summary_link(text, url) {
    return url ? `[${text.replace(/[[\]]/g, '\\$&')}](${url})` : text;
}
/** Appends Markdown sections to the step summary (no-op outside a runner). */
async function writeSummary(...sections) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    await core/* summary */.z.addRaw(sections.filter(Boolean).join('\n\n') + '\n', true).write();
}

;// CONCATENATED MODULE: ./actions/smoke-test/report.ts

function resultLine(result) {
    const status = result.status ?? '-';
    const latency = result.latencyMs === null ? '' : ` ${result.latencyMs} ms`;
    const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
    return result.ok
        ? `✓ ${result.name}: ${status}${latency}${tries}`
        : `✗ ${result.name}: ${result.error}${tries}`;
}
function failureMessage(run) {
    const failed = run.results.filter((result) => !result.ok);
    const reasons = failed.map((result) => `${result.name} (${result.error})`).join('; ');
    return `${failed.length} of ${run.results.length} smoke checks failed: ${reasons}`;
}
function renderSummary(run) {
    const verdict = run.passed
        ? `### ✅ Smoke test passed: ${run.results.length} checks in ${run.durationMs} ms`
        : `### ❌ Smoke test failed: ${run.failed} of ${run.results.length} checks in ${run.durationMs} ms`;
    const rows = run.results.map((r) => [r.ok ? '✅' : '❌', r.name, r.url, r.status ?? '-', r.latencyMs === null ? '-' : `${r.latencyMs} ms`, r.attempts, r.error ?? '']);
    return `${verdict}\n\n${table(['', 'Check', 'URL', 'Status', 'Latency', 'Attempts', 'Error'], rows)}`;
}

;// CONCATENATED MODULE: ./actions/smoke-test/execute.ts
/** smoke-test after validation: masks header values, runs the checks, sets outputs and the summary. */





async function executeSmokeTest(inputs) {
    for (const value of Object.values(inputs.headers))
        maskSecret(value);
    core/* info */.pq(`Running ${inputs.checks.length} smoke check(s), ${inputs.concurrency} at a time, deadline ${inputs.deadlineMs / 1000}s`);
    const run = await runChecks(inputs.checks, {
        attempts: inputs.attempts,
        retryDelayMs: inputs.retryDelayMs,
        timeoutMs: inputs.timeoutMs,
        deadlineMs: inputs.deadlineMs,
        concurrency: inputs.concurrency,
        baseUrl: inputs.baseUrl,
        headers: inputs.headers,
        onResult: (result) => core/* info */.pq(resultLine(result)),
    });
    core/* setOutput */.uH('passed', String(run.passed));
    core/* setOutput */.uH('total', String(run.results.length));
    core/* setOutput */.uH('failed', String(run.failed));
    core/* setOutput */.uH('duration-ms', String(run.durationMs));
    core/* setOutput */.uH('results', JSON.stringify(run.results));
    await writeSummary(renderSummary(run));
    if (run.passed)
        return;
    if (inputs.failOnError)
        throw new Error(failureMessage(run));
    core/* warning */.$e(failureMessage(run));
}


/***/ })

};
