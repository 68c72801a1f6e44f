import { DownhillError } from '../errors';
import { inNotebook, sendDisplay } from './kernel';

/**
 * Shows text as markdown (with $math$) in a notebook; prints it on a terminal.
 * For prose that carries numbers the notebook computed, so that the sentence and
 * the result cannot disagree:
 *
 *   dh.markdown(`Momentum reached the minimum in **${steps}** steps, ${ratio.toFixed(1)}× fewer than plain descent.`);
 */
export function markdown(text: string): void {
  if (typeof text !== 'string' || text.trim() === '') throw new DownhillError('markdown: no text to show.', 'pass a string, e.g. dh.markdown(`the loss fell to ${loss.toFixed(3)}`).');
  if (inNotebook()) sendDisplay({ 'text/markdown': text, 'text/plain': text });
  else console.log(text);
}
