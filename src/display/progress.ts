import { Callback } from '../train/callbacks';
import { newFigureId } from './html';
import { inNotebook, sendDisplay } from './kernel';

export interface ProgressBarOptions {
  /** The run's epochs, for "epoch 2/5" (default: unknown, "epoch 2"). */
  epochs?: number;
  /** The least time between two redraws, in milliseconds (default 200). */
  intervalMs?: number;
  /** The bar's width in characters (default 24). */
  width?: number;
  /** Where the terminal line goes (default: standard error). */
  write?: (text: string) => void;
}

/**
 * A progress bar for fit: ONE line, updated in place at most every intervalMs and
 * once at the end — with a carriage return in a terminal, and in a notebook as one
 * output replaced through the display hook's update (update_display_data). The bar
 * fills through each epoch once the first epoch has told how many steps one has.
 *
 *   epoch 2/5 [##########..............]  120/300  loss 0.2315  lr 0.001  4.1 s
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const interval = options.intervalMs ?? 200;
  const width = options.width ?? 24;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const notebook = inNotebook();
  const id = newFigureId();
  let perEpoch: number | undefined;
  let shown = false;
  let last = -Infinity;
  let lastLength = 0;
  const show = (line: string, final: boolean) => {
    if (notebook) {
      sendDisplay({ 'text/plain': line }, { displayId: id, update: shown });
    } else {
      write(`\r${line.padEnd(lastLength)}${final ? '\n' : ''}`);
      lastLength = line.length;
    }
    shown = true;
    last = Date.now();
  };
  const render = (epoch: number, step: number, loss: number, lr: number | undefined, time: number) => {
    const inEpoch = perEpoch ? step - (epoch - 1) * perEpoch : undefined;
    const filled = perEpoch && inEpoch !== undefined ? Math.min(width, Math.round((width * inEpoch) / perEpoch)) : 0;
    const parts = [
      `epoch ${epoch}${options.epochs ? `/${options.epochs}` : ''}`,
      `[${'#'.repeat(filled)}${(perEpoch ? '.' : ' ').repeat(width - filled)}]`,
      perEpoch ? `${inEpoch}/${perEpoch}` : `step ${step}`,
      `loss ${loss.toPrecision(4)}`,
    ];
    if (lr !== undefined) parts.push(`lr ${lr.toPrecision(3)}`);
    parts.push(`${time.toFixed(1)} s`);
    return parts.join('  ');
  };
  return {
    onStep(s) {
      if (Date.now() - last >= interval) show(render(s.epoch, s.step, s.loss, s.lr, s.time), false);
    },
    onEpoch(e) {
      if (e.epoch === 1) perEpoch = e.steps;
    },
    onEnd(history) {
      const s = history.steps[history.steps.length - 1];
      if (!s) return;
      const e = history.epochs[history.epochs.length - 1];
      const tail = e?.valLoss !== undefined ? `  val loss ${e.valLoss.toPrecision(4)}` : '';
      show(render(s.epoch, s.step, e?.loss ?? s.loss, s.lr, history.seconds) + tail + `  (${history.stopped?.reason ?? 'done'})`, true);
    },
  };
}
