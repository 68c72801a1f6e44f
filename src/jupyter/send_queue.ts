/** What a ZeroMQ socket needs to send: zeromq.js v6 allows one send in flight at a time (a second throws EBUSY). */
export interface Sendable {
  send(frames: (string | Buffer)[]): Promise<void>;
}

/**
 * Sends on one socket in order, each send awaited before the next starts, so that
 * no message is lost to EBUSY however fast they come. `flushed()` resolves when
 * everything queued so far is sent.
 */
export class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  private failure?: Error;

  constructor(private readonly socket: Sendable) {}

  send(frames: (string | Buffer)[]): Promise<void> {
    this.tail = this.tail.then(() => this.socket.send(frames)).catch((e: Error) => {
      // A closed socket (the kernel is shutting down) is the only expected failure; remember it and go on.
      this.failure ??= e;
    });
    return this.tail;
  }

  flushed(): Promise<void> {
    return this.tail;
  }

  /** The first send that failed, if any. */
  get error(): Error | undefined {
    return this.failure;
  }
}
