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

/** Starts the service with up to `pages` Chromium pages (renders from parallel kernels run side by side). */
export async function startRenderService(pages: number): Promise<RenderService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-render-'));
  const socket = path.join(dir, 'render.sock');
  const renderer = new Renderer(() => 60000, Math.max(1, pages));
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, reply: Reply) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      let request: StillRequest;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StillRequest;
      } catch (e) {
        answer(400, { error: `not a render request: ${(e as Error).message}` });
        return;
      }
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

/** Renders through the service at `socket`; rejects when it cannot be reached or fails (the caller then renders itself). */
export function renderShared(socket: string, request: StillRequest): Promise<StillImages> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path: '/render', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
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
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(request));
  });
}
