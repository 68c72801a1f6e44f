import * as fs from 'fs';
import type { Browser } from 'playwright-core';
import { DownhillError } from '../errors';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags for a quiet, offline, headless Chromium (as root, without a GPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** The Chromium to drive: $DOWNHILL_CHROMIUM, else the system one. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.DOWNHILL_CHROMIUM;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** Starts headless Chromium with playwright-core, or says how to get one. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new DownhillError(
      process.env.DOWNHILL_CHROMIUM
        ? `DOWNHILL_CHROMIUM points to ${process.env.DOWNHILL_CHROMIUM}, which does not exist.`
        : `no Chromium found (looked for ${CANDIDATES.join(', ')}), so the chart cannot be turned into a PNG.`,
      'install one (on Debian: apt-get install chromium) or set DOWNHILL_CHROMIUM to a Chrome/Chromium executable.',
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
