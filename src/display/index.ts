export { show, ShowOptions, figureBundle } from './show';
export { toHTML, figureFragment } from './html';
export { toPNG, closeBrowser, PngOptions } from './png';
export { liveLoss, LiveLossOptions } from './live';
export { table, tableText, tableHTML } from './table';
export { inNotebook, clearOutput } from './kernel';
export { chromiumPath } from './browser';
export { progressBar, ProgressBarOptions } from './progress';
