import { ClearOutput, DisplayData, ErrorOutput, ExecuteResult, Header, JsonObject, MessageContents, OUTPUT_TRUNCATED } from '../jupyter/messages';
import { OutputLimits, formatBytes } from './output_limits';

/** Sends one iopub message as an output of the request `parent` (queued and sent in order by the server). */
export type Publish = <T extends keyof MessageContents>(type: T, content: MessageContents[T], parent: Header, metadata?: JsonObject) => void;

/** Text is sent in pieces of at most this size, and at least every FLUSH_MS while a cell prints. */
const CHUNK_BYTES = 64 * 1024;
const FLUSH_MS = 20;


/**
 * The outputs of the cell being run, on their way to iopub: printed text is
 * gathered into few stream messages (a loop printing 100,000 lines sends a few
 * dozen messages, in order, none lost), every other output first sends the text
 * printed before it, and the output limits are enforced with one note saying so.
 * Output printed after a cell ended (a timer, a promise nobody awaited) goes to
 * that cell, as in IPython.
 */
export class CellOutput {
  private parent?: Header;
  private pending: { name: 'stdout' | 'stderr'; text: string } | undefined;
  private timer?: NodeJS.Timeout;
  private cellBytes = 0;
  private totalBytes = 0;
  private cutCell = false;
  private cutTotal = false;

  constructor(private readonly publish: Publish, private readonly limits: OutputLimits) {}

  beginCell(parent: Header): void {
    this.flush();
    this.parent = parent;
    this.cellBytes = 0;
    this.cutCell = false;
  }

  /** Whether this cell's output was cut by a limit. */
  get truncated(): boolean {
    return this.cutCell || this.cutTotal;
  }

  write(name: 'stdout' | 'stderr', text: string): void {
    if (!this.parent || !text) return;
    const bytes = Buffer.byteLength(text);
    if (!this.admit(bytes, true)) return;
    if (this.pending && this.pending.name !== name) this.flush();
    this.pending = { name, text: (this.pending?.text ?? '') + text };
    if (this.pending.text.length >= CHUNK_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Counts output against the limits; false (after one note) when it must be dropped. */
  private admit(bytes: number, printed: boolean): boolean {
    if (this.cutTotal || (printed && this.cutCell)) return false;
    if (this.totalBytes + bytes > this.limits.totalBytes) {
      this.cutTotal = true;
      this.note(`output stopped: this kernel has sent more than ${formatBytes(this.limits.totalBytes)} of output (DOWNHILL_MAX_OUTPUT_BYTES); nothing more is shown until it restarts`);
      return false;
    }
    if (printed && this.cellBytes + bytes > this.limits.cellBytes) {
      this.cutCell = true;
      this.note(`output truncated: this cell printed more than ${formatBytes(this.limits.cellBytes)} (DOWNHILL_MAX_CELL_OUTPUT_BYTES); the rest of its printed output is not shown`);
      return false;
    }
    this.totalBytes += bytes;
    if (printed) this.cellBytes += bytes;
    return true;
  }

  private note(text: string): void {
    this.flush();
    this.publish('stream', { name: 'stderr', text: `\n[downhill] ${text}\n` }, this.parent!, { [OUTPUT_TRUNCATED]: true });
  }

  /** Sends the text gathered so far. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p && this.parent) this.publish('stream', { name: p.name, text: p.text }, this.parent);
  }

  display(content: DisplayData, update: boolean): void {
    if (!this.parent || !this.admit(Buffer.byteLength(JSON.stringify(content.data)), false)) return;
    this.flush();
    this.publish(update ? 'update_display_data' : 'display_data', content, this.parent);
  }

  result(content: ExecuteResult): void {
    if (!this.parent || !this.admit(Buffer.byteLength(JSON.stringify(content.data)), false)) return;
    this.flush();
    this.publish('execute_result', content, this.parent);
  }

  error(content: ErrorOutput): void {
    if (!this.parent) return;
    this.flush();
    this.publish('error', content, this.parent);
  }

  clear(content: ClearOutput): void {
    if (!this.parent) return;
    this.flush();
    this.publish('clear_output', content, this.parent);
  }
}
