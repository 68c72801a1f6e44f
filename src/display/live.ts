import { lossCurve, LossCurveOptions } from '../plot/loss_curve';
import { Callback } from '../train/callbacks';
import { History } from '../train/history';
import { newFigureId } from './html';
import { inNotebook } from './kernel';
import { show, showWithId, updateShown } from './show';

export interface LiveLossOptions extends LossCurveOptions {
  /** The least time between two redraws, in milliseconds (default 1000). */
  intervalMs?: number;
}

/**
 * A callback that draws the loss curve while `fit` runs and updates it in place
 * (one notebook output, redrawn at most once per interval, then once at the end,
 * with a PNG). Outside a notebook it writes the final chart to a file.
 */
export function liveLoss(options: LiveLossOptions = {}): Callback {
  const interval = options.intervalMs ?? 1000;
  const id = newFigureId();
  let shown = false;
  let last = 0;
  const draw = async (history: History, final: boolean) => {
    if (history.steps.length === 0) return;
    const fig = lossCurve(history, options);
    if (!shown) showWithId(fig, id);
    if (shown || final) await updateShown(fig, id, final);
    shown = true;
    last = Date.now();
  };
  return {
    async onStep(_, run) {
      if (inNotebook() && Date.now() - last >= interval) await draw(run.history, false);
    },
    async onEnd(history) {
      if (history.steps.length === 0) return;
      if (!inNotebook()) {
        await show(lossCurve(history, options));
        return;
      }
      await draw(history, true);
    },
  };
}
