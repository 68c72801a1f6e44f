import * as http from 'http';
import { DownhillError } from '../errors';

export interface RestReply {
  status: number;
  body: unknown;
  text: string;
}

/** A server that did not answer at all (refused, reset, unknown host, timed out), as opposed to one that answered with an error status. */
export class UnreachableError extends DownhillError {}

/**
 * One JSON request to a Jupyter or JupyterHub REST API, authenticated with `token`
 * (Authorization: token ...). Any HTTP status comes back; only a server that cannot
 * be reached throws (UnreachableError).
 */
export function restRequest(method: string, url: string, token: string | undefined, body?: unknown, timeoutMs = 60000): Promise<RestReply> {
  const target = new URL(url);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(target, {
      method,
      headers: {
        ...(token ? { Authorization: `token ${token}` } : {}),
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
      },
      timeout: timeoutMs,
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: response.statusCode ?? 0, body: parsed, text });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (e: NodeJS.ErrnoException) =>
      reject(new UnreachableError(`${target.origin} is not reachable (${e.code ?? e.message}).`, `check that the server runs and that ${target.origin} is its address.`)),
    );
    if (payload) request.write(payload);
    request.end();
  });
}

/** The `message` of a Jupyter error reply, or its text. */
export function replyMessage(reply: RestReply): string {
  const body = reply.body as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : reply.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
  return `HTTP ${reply.status}${message ? `: ${message}` : ''}`;
}
