/**
 * The job's GitHub OIDC token, asked of the runner as @actions/core's getIDToken does
 * (`GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with the request token as Bearer), but through
 * lib/http: a timeout per attempt and bounded retries, so a runner endpoint that accepts and never
 * answers ends the step with an error instead of holding it until the job's timeout.
 */
import type { Env } from '../inputs.js';
import { httpRequest, type HttpOptions } from '../http.js';

export const ID_TOKEN_TIMEOUT_MS = 10_000;

export async function fetchIdToken(audience: string, env: Env = process.env, http: Partial<HttpOptions> = {}): Promise<string> {
  const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!base || !requestToken) throw new Error('Unable to get the ID token request URL or token (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN)');
  const url = `${base}${audience ? `&audience=${encodeURIComponent(audience)}` : ''}`;
  const response = await httpRequest(url, {
    headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
    timeoutMs: ID_TOKEN_TIMEOUT_MS,
    attempts: 4,
    ...http,
  });
  let body: { value?: string; message?: string } = {};
  try {
    body = JSON.parse(response.body);
  } catch {
    // reported below with the status
  }
  if (response.status !== 200 || !body.value) {
    throw new Error(`Failed to get ID Token. Error Code : ${response.status} Error Message: ${body.message ?? (response.body.trim().slice(0, 200) || 'no body')}`);
  }
  return body.value;
}
