import { DownhillError } from '../errors';
import { replyMessage, restRequest } from './rest';

interface UserModel {
  name: string;
  servers?: Record<string, { ready?: boolean; pending?: string | null; url?: string }>;
}

/**
 * JupyterHub's REST API (hub/api, JupyterHub 3): log a user in, start and stop their
 * server. `hubUrl` is the hub's public address, e.g. http://127.0.0.1:8000/.
 */
export class HubClient {
  readonly hubUrl: string;

  constructor(hubUrl: string) {
    this.hubUrl = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
  }

  private api(path: string): string {
    return new URL(`hub/api/${path}`, this.hubUrl).href;
  }

  /** The address of a user's single-user server, through the hub's proxy. */
  serverUrl(user: string): string {
    return new URL(`user/${encodeURIComponent(user)}/`, this.hubUrl).href;
  }

  /** Logs `user` in with their password (the hub's authenticator decides) and returns an API token for them. */
  async login(user: string, password: string): Promise<string> {
    const reply = await restRequest('POST', this.api(`users/${encodeURIComponent(user)}/tokens`), undefined, { auth: { username: user, password }, note: 'downhill hub' });
    const token = (reply.body as { token?: unknown } | undefined)?.token;
    if (reply.status !== 200 && reply.status !== 201) {
      throw new DownhillError(`the hub did not log ${user} in (${replyMessage(reply)}).`, 'check the user name and password, and that the hub allows this user.');
    }
    if (typeof token !== 'string') throw new DownhillError(`the hub's token reply for ${user} has no token.`, 'check that the address is a JupyterHub 3 or later.');
    return token;
  }

  /**
   * Starts `user`'s default server and waits until the hub says it is ready. A spawn
   * that fails, or is not ready within `timeoutSeconds`, throws naming why.
   */
  async startServer(user: string, token: string, timeoutSeconds = 120): Promise<string> {
    const name = encodeURIComponent(user);
    const started = await restRequest('POST', this.api(`users/${name}/server`), token, {});
    // 201: started; 202: starting; 400: already running.
    if (started.status !== 201 && started.status !== 202 && !(started.status === 400 && /already running/i.test(started.text))) {
      throw new DownhillError(`${user}'s server did not start (${replyMessage(started)}).`, "look at the hub's log for the spawner's error; check the single-user command and the user's home folder.");
    }
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const model = await restRequest('GET', this.api(`users/${name}`), token);
      const server = (model.body as UserModel | undefined)?.servers?.[''];
      if (server?.ready) return this.serverUrl(user);
      if (model.status === 200 && !server) {
        throw new DownhillError(`${user}'s server stopped while starting.`, "look at the hub's log for the spawner's error; check the single-user command and the user's home folder.");
      }
      if (Date.now() > deadline) throw new DownhillError(`${user}'s server was not ready after ${timeoutSeconds} s.`, 'give it more time (--start-timeout), or look at the hub log.');
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Stops `user`'s default server (and waits for the hub to finish stopping it). */
  async stopServer(user: string, token: string): Promise<void> {
    const name = encodeURIComponent(user);
    await restRequest('DELETE', this.api(`users/${name}/server`), token);
    for (let i = 0; i < 120; i++) {
      const model = await restRequest('GET', this.api(`users/${name}`), token);
      if (!(model.body as UserModel | undefined)?.servers?.['']) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
