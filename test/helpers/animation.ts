import type { Page } from 'playwright-core';

/** The figure divs of a page, by their order on it (the nth figure: an index into them). */
type FigureIndex = number;

/** Contour paths drawn in the nth figure (contourcarpet or contour layers). */
export const contourPaths = (page: Page, nth: FigureIndex = 0) =>
  page.evaluate((k) => document.querySelectorAll('.downhill-figure')[k].querySelectorAll('.contourcarpetlayer path, .contourlayer path').length, nth);

/** The points of the named trace drawn in the nth figure (-1 when it is not drawn). */
export const pathPoints = (page: Page, name: string, nth: FigureIndex = 0) =>
  page.evaluate(
    ({ n, k }) => {
      const gd = document.querySelectorAll('.downhill-figure')[k] as unknown as Element & { _fullData: { name: string; index: number }[] };
      const index = gd._fullData.find((t) => t.name === n)!.index;
      const trace = Array.from(gd.querySelectorAll('.scatterlayer .trace')).find((g) => (g as unknown as { __data__: { 0: { trace: { index: number } } } }).__data__[0].trace.index === index);
      return trace ? trace.querySelectorAll('.point').length : -1;
    },
    { n: name, k: nth },
  );

/** The nth figure's title, slider label and legend entries as drawn. */
export const drawnText = (page: Page, nth: FigureIndex = 0) =>
  page.evaluate((k) => {
    const gd = document.querySelectorAll('.downhill-figure')[k];
    return {
      title: gd.querySelector('.gtitle')?.textContent ?? '',
      slider: gd.querySelector('.slider-group > .slider-label')?.textContent ?? '',
      legend: Array.from(gd.querySelectorAll('.legendtext')).map((e) => e.textContent ?? ''),
    };
  }, nth);

/** Clicks the nth figure's Play button and waits until Plotly says the animation ended. */
export async function playToEnd(page: Page, nth: FigureIndex = 0): Promise<void> {
  await page.evaluate((k) => {
    const gd = document.querySelectorAll('.downhill-figure')[k] as unknown as { on(e: string, f: () => void): void };
    (window as unknown as { ended: Promise<void> }).ended = new Promise((resolve) => gd.on('plotly_animated', () => resolve()));
  }, nth);
  await page.locator('.downhill-figure').nth(nth).locator('.updatemenu-button').first().click();
  await page.waitForFunction(() => (window as unknown as { ended: Promise<void> }).ended.then(() => true), undefined, { timeout: 180000 });
}

/** Drags the nth figure's slider grip to `fraction` of its rail, and waits for the frame to be drawn. */
export async function dragSlider(page: Page, fraction: number, nth: FigureIndex = 0): Promise<void> {
  const figure = page.locator('.downhill-figure').nth(nth);
  await figure.scrollIntoViewIfNeeded();
  const rail = (await figure.locator('.slider-rail-rect').boundingBox())!;
  const grip = (await figure.locator('.slider-grip-rect').boundingBox())!;
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(rail.x + rail.width * fraction, grip.y + grip.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(1500);
}
