import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One calibration: milliseconds per training step for each backend measured. */
export interface CachedCalibration {
  /** What was measured where: machine, CPU, TensorFlow.js version, each backend with its detail (adapter, BLAS). */
  key: string;
  msPerStep: Record<string, number>;
  measuredAt: string;
}

/** At most this many machines/devices are remembered (a shared home folder). */
const KEEP = 16;

/** $DOWNHILL_CACHE_DIR, else $XDG_CACHE_HOME/downhill, else ~/.cache/downhill. */
export function cacheDir(): string {
  if (process.env.DOWNHILL_CACHE_DIR) return process.env.DOWNHILL_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'downhill');
}

export function calibrationFile(): string {
  return path.join(cacheDir(), 'backend-calibration.json');
}

/** The key of a calibration: the same machine, the same devices, the same TensorFlow.js. */
export function calibrationKey(tfjsVersion: string, backends: { name: string; detail?: string }[]): string {
  const cpus = os.cpus();
  return JSON.stringify({
    host: os.hostname(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    tfjs: tfjsVersion,
    backends: backends.map((b) => `${b.name}${b.detail ? ` (${b.detail})` : ''}`),
  });
}

/** Every cached calibration, or none with a note when the file cannot be used. */
function readAll(file: string): { entries: CachedCalibration[]; note?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { entries: [] };
  }
  try {
    const parsed = JSON.parse(text) as { calibrations?: unknown };
    const list = parsed.calibrations;
    if (!Array.isArray(list) || !list.every(isCalibration)) throw new Error('not a list of calibrations');
    return { entries: list };
  } catch (e) {
    return { entries: [], note: `ignored the unreadable calibration cache ${file} (${(e as Error).message}); measured again` };
  }
}

function isCalibration(c: unknown): c is CachedCalibration {
  const e = c as CachedCalibration;
  return (
    typeof e === 'object' && e !== null && typeof e.key === 'string' && typeof e.measuredAt === 'string' &&
    typeof e.msPerStep === 'object' && e.msPerStep !== null &&
    Object.values(e.msPerStep).every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)
  );
}

/** The cached calibration for this key, and a note when the cache file was unreadable. */
export function readCalibration(key: string): { found?: CachedCalibration; note?: string } {
  const { entries, note } = readAll(calibrationFile());
  return { found: entries.find((e) => e.key === key), note };
}

/**
 * Stores a calibration (replacing the one with the same key), written to a
 * temporary file and renamed so that a kernel starting at the same time never
 * reads half a file. Returns a note when the folder is not writable (a sandbox).
 */
export function writeCalibration(entry: CachedCalibration): string | undefined {
  const file = calibrationFile();
  try {
    const kept = readAll(file).entries.filter((e) => e.key !== entry.key).slice(-(KEEP - 1));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ calibrations: [...kept, entry] }, null, 2));
    fs.renameSync(temporary, file);
    return undefined;
  } catch (e) {
    return `could not cache the calibration in ${file} (${(e as Error).message.split('\n')[0]}); it is measured again next time`;
  }
}
