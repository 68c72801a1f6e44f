import { Figure, Frame, Layout, Trace, mergeDeep } from './figure';

/**
 * The steps (0 … last) that get a frame: every step while there are few, else
 * log-spaced, so that the first steps (where most of the movement happens) each get
 * a frame and later frames are further apart. Always starts at 0 and ends at `last`.
 */
export function frameSteps(last: number, count: number): number[] {
  const n = Math.max(1, Math.min(count, last + 1));
  if (n === last + 1) return Array.from({ length: n }, (_, k) => k);
  if (n === 1) return [last];
  const steps: number[] = [];
  for (let k = 0; k < n; k++) {
    const logSpaced = Math.round(Math.pow(last + 1, k / (n - 1)) - 1);
    const afterPrevious = k === 0 ? 0 : steps[k - 1] + 1;
    steps.push(Math.min(last - (n - 1 - k), Math.max(afterPrevious, logSpaced)));
  }
  return steps;
}

/**
 * The first `upTo + 1` points of a path with at most `max` of them: the first point,
 * the current one (index `upTo`) and evenly spaced ones between, all exact.
 */
export function pathSoFar(path: number[][], upTo: number, max = 300): number[][] {
  const end = Math.min(upTo, path.length - 1);
  if (end + 1 <= max) return path.slice(0, end + 1);
  return Array.from({ length: max }, (_, k) => path[Math.round((k * end) / (max - 1))]);
}

/** Options of Plotly.animate for one step: no easing, and `redraw` when legends or titles change per frame. */
export function frameMotion(duration: number, redraw: boolean): Layout {
  return { mode: 'immediate', frame: { duration, redraw }, transition: { duration: 0 } };
}

/**
 * A play / pause pair and a slider with one stop per frame, placed at paper y
 * `buttonsY` and `sliderY` (negative: under the plot).
 */
export function playControls(
  frames: Frame[],
  place: { buttonsY: number; sliderY: number; sliderX: number; prefix?: string },
  duration: number,
  redraw: boolean,
): Layout {
  return {
    updatemenus: [
      {
        type: 'buttons', showactive: false, direction: 'left', x: 0, y: place.buttonsY, xanchor: 'left', yanchor: 'top',
        buttons: [
          { label: '▶ Play', method: 'animate', args: [null, { ...frameMotion(duration, redraw), fromcurrent: true }] },
          { label: '❚❚ Pause', method: 'animate', args: [[null], frameMotion(0, redraw)] },
        ],
      },
    ],
    sliders: [
      {
        active: 0, x: place.sliderX, len: 1 - place.sliderX, y: place.sliderY, yanchor: 'top',
        currentvalue: { prefix: place.prefix ?? '', visible: true },
        steps: frames.map((f) => ({ label: f.name, method: 'animate', args: [[f.name], frameMotion(0, redraw)] })),
      },
    ],
  };
}

/**
 * An animated figure as it stands after its last frame (frames applied to the traces
 * they name, the slider at its end), without the frames: what a still image shows.
 * A dial (a slider without a play button) stands at the stop it opens at.
 * A figure without frames is returned as it is.
 */
export function finalFrameState(fig: Figure): Figure {
  if (!fig.frames?.length) return fig;
  if (Array.isArray(fig.layout.sliders) && !fig.layout.updatemenus) {
    // A dial (plot.dial): no play button, and its data is the stop it opens at.
    const { frames: _frames, ...still } = fig;
    return still;
  }
  const data = fig.data.map((t) => ({ ...t }));
  let layout = fig.layout;
  for (const frame of fig.frames) {
    frame.data.forEach((update, i) => {
      const index = frame.traces?.[i] ?? i;
      if (index < data.length) data[index] = mergeDeep(data[index], update) as Trace;
    });
    layout = mergeDeep(layout, frame.layout);
  }
  if (Array.isArray(layout.sliders)) {
    layout = { ...layout, sliders: layout.sliders.map((s: Layout) => ({ ...s, active: Math.max(0, ((s.steps as unknown[]) ?? []).length - 1) })) };
  }
  const still: Figure = { data, layout };
  if (fig.warnings) still.warnings = fig.warnings;
  return still;
}
