import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Renderer, StillImages, StillRequest } from './chromium_renderer';

/**
 * One Chromium for the PNGs of many kernels. Loading plotly.js into a page costs 3–4 s of
 * CPU here, more than most lessons spend drawing their charts; `downhill run` and
 * `downhill gallery` start this service once, and every kernel they start renders
 * through it (its socket's path in $DOWNHILL_RENDER_SOCKET). A kernel without the
 * variable, or that cannot reach the service (a sandbox), renders in its own Chromium.
 *
 * The service listens on a Unix socket in a fresh folder only this user can enter.
 */

/** The variable that tells a kernel where the shared renderer listens. */
export const RENDER_SOCKET_ENV = 'DOWNHILL_RENDER_SOCKET';

interface Reply {
  png?: string;
  webp?: string;
  error?: string;
}

export interface RenderService {
  /** The socket's path: the value of $DOWNHILL_RENDER_SOCKET for the kernels. */
  socket: string;
  /** How many charts it drew. */
  rendered(): number;
  close(): Promise<void>;
}

/** The largest render request taken (an animated figure is a few MB). */
const MAX_REQUEST_BYTES = 64 * 2 ** 20;
/** How long a kernel waits for its picture (queued behind other kernels' included) before giving up on it. */
const REPLY_TIMEOUT_MS = 180000;

function isRequest(value: unknown): value is StillRequest {
  const r = value as Partial<StillRequest> | null;
  return (
    typeof r === 'object' && r !== null && typeof r.figure === 'object' && r.figure !== null && Array.isArray(r.figure.data) &&
    typeof r.figure.layout === 'object' && [r.width, r.height, r.scale].every((n) => typeof n === 'number' && n > 0 && n <= 10000) && typeof r.webp === 'boolean'
  );
}

/** Starts the service with up to `pages` Chromium pages (renders from parallel kernels run side by side). */
export async function startRenderService(pages: number): Promise<RenderService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-render-'));
  const socket = path.join(dir, 'render.sock');
  const renderer = new Renderer(() => 60000, Math.max(1, pages));
  let count = 0;
  const server = http.createServer((req, res) => {
    const answer = (status: number, reply: Reply) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (bytes > MAX_REQUEST_BYTES) return answer(413, { error: `a render request of ${bytes} bytes (at most ${MAX_REQUEST_BYTES})` });
      let request: unknown;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        return answer(400, { error: `not JSON: ${(e as Error).message}` });
      }
      if (!isRequest(request)) return answer(400, { error: 'not a render request: { figure: { data, layout }, width, height, scale, webp }' });
      renderer.render(request).then(
        (images) => {
          count++;
          answer(200, { png: images.png.toString('base64'), webp: images.webp?.toString('base64') });
        },
        (e: unknown) => answer(500, { error: e instanceof Error ? e.message : String(e) }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  return {
    socket,
    rendered: () => count,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await renderer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The service could not be reached (no such socket, refused, cut off): the caller draws the picture itself. */
export class ServiceUnreachable extends Error {}

/**
 * Renders through the service at `socket`. Rejects with ServiceUnreachable when it cannot
 * be reached, and with the service's own message when the figure could not be drawn.
 */
export function renderShared(socket: string, request: StillRequest): Promise<StillImages> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path: '/render', method: 'POST', headers: { 'content-type': 'application/json' }, timeout: REPLY_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply;
          if (!reply.png) throw new Error(reply.error ?? `the render service answered ${res.statusCode}`);
          resolve({ png: Buffer.from(reply.png, 'base64'), ...(reply.webp ? { webp: Buffer.from(reply.webp, 'base64') } : {}) });
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', (e) => reject(new ServiceUnreachable(e.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`no picture from the render service within ${REPLY_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) => reject(e.message.startsWith('no picture') ? e : new ServiceUnreachable(e.message)));
    req.end(JSON.stringify(request));
  });
}
