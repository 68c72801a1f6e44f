import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, disposeAll } from '../named_tensors';
import { readSafetensors, writeSafetensors } from './safetensors';

/**
 * A training checkpoint: everything `fit` needs to continue a run exactly as if it
 * had not stopped: the model's parameters, the optimizer state (moments, step
 * counts inside it) and where the loop was (steps and epochs done).
 *
 * On disk, a folder:
 *   params.safetensors      the parameters by name (PyTorch: safetensors.torch.load_file)
 *   optimizer.safetensors   the optimizer state's tensors, named by their path in the state, e.g. "1.m.w"
 *   checkpoint.json         { format, step, epoch, optimizer, state }: `state` is the optimizer
 *                           state's structure with its numbers, each tensor as { "tensor": name }
 */
export interface Checkpoint {
  params: NamedTensors;
  optimizerState: unknown;
  /** Updates made so far. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** The optimizer's name, e.g. "adam(lr=0.01)", for the reader's information. */
  optimizer?: string;
}

const FORMAT = 'downhill-checkpoint-1';
type Skeleton = null | number | string | boolean | { tensor: string } | { number: string } | Skeleton[] | { [key: string]: Skeleton };

/** Writes a checkpoint to `folder` (created if needed; files of an earlier checkpoint there are replaced). */
export async function saveCheckpoint(folder: string, checkpoint: Checkpoint): Promise<void> {
  await fs.promises.mkdir(folder, { recursive: true });
  const stateTensors: NamedTensors = {};
  const state = skeletonOf(checkpoint.optimizerState, [], stateTensors);
  await writeSafetensors(path.join(folder, 'params.safetensors'), checkpoint.params, { format: 'pt' });
  await writeSafetensors(path.join(folder, 'optimizer.safetensors'), stateTensors, { format: 'pt' });
  const json = { format: FORMAT, step: checkpoint.step, epoch: checkpoint.epoch, optimizer: checkpoint.optimizer ?? null, state };
  // checkpoint.json last: a folder with it is complete.
  await fs.promises.writeFile(path.join(folder, 'checkpoint.json'), JSON.stringify(json, null, 1) + '\n');
}

/** Reads a checkpoint; the caller owns its tensors (disposeCheckpoint frees them). */
export async function loadCheckpoint(folder: string): Promise<Checkpoint> {
  const jsonFile = path.join(folder, 'checkpoint.json');
  if (!fs.existsSync(jsonFile)) {
    throw new DownhillError(`loadCheckpoint: no checkpoint in '${folder}' (checkpoint.json is missing).`, `pass a folder written by saveCheckpoint or by fit({ checkpoint: folder }).`);
  }
  const json = JSON.parse(await fs.promises.readFile(jsonFile, 'utf8'));
  if (json.format !== FORMAT) {
    throw new DownhillError(`loadCheckpoint: '${jsonFile}' has format ${JSON.stringify(json.format)}, not ${FORMAT}.`, `pass a folder written by saveCheckpoint.`);
  }
  const params = (await readSafetensors(path.join(folder, 'params.safetensors'))).tensors;
  const stateTensors = (await readSafetensors(path.join(folder, 'optimizer.safetensors'))).tensors;
  const optimizerState = fromSkeleton(json.state as Skeleton, stateTensors);
  return { params, optimizerState, step: json.step, epoch: json.epoch, optimizer: json.optimizer ?? undefined };
}

export function disposeCheckpoint(checkpoint: Checkpoint): void {
  disposeAll([checkpoint.params, checkpoint.optimizerState]);
}

/**
 * Puts a checkpoint's parameters into `params` (same names and shapes) and checks
 * that its optimizer state has the layout `fresh` (the optimizer's init) has, so a
 * checkpoint of another optimizer or model is refused with the difference named.
 */
export function checkCheckpointFits(checkpoint: Checkpoint, params: Record<string, tf.Variable>, fresh: unknown, where: string): void {
  const fix = `resume with the model and optimizer the checkpoint was saved with${checkpoint.optimizer ? ` (${checkpoint.optimizer})` : ''}.`;
  const saved = Object.keys(checkpoint.params).sort().join(', ');
  const ours = Object.keys(params).sort().join(', ');
  if (saved !== ours) throw new DownhillError(`${where}: the checkpoint has parameters ${saved}, the model has ${ours}.`, fix);
  for (const [name, p] of Object.entries(params)) {
    const s = checkpoint.params[name].shape;
    if (s.join(',') !== p.shape.join(',')) {
      throw new DownhillError(`${where}: parameter '${name}' has shape [${s}] in the checkpoint, [${p.shape}] in the model.`, fix);
    }
  }
  const difference = layoutDifference(checkpoint.optimizerState, fresh, 'state');
  if (difference) throw new DownhillError(`${where}: the checkpoint's optimizer state does not fit this optimizer: ${difference}.`, fix);
}

function skeletonOf(tree: unknown, at: string[], out: NamedTensors): Skeleton {
  if (tree instanceof tf.Tensor) {
    const name = at.join('.');
    out[name] = tree;
    return { tensor: name };
  }
  if (tree === null || tree === undefined) return null;
  if (typeof tree === 'number') return Number.isFinite(tree) ? tree : { number: String(tree) };
  if (typeof tree === 'string' || typeof tree === 'boolean') return tree;
  if (Array.isArray(tree)) return tree.map((v, i) => skeletonOf(v, [...at, String(i)], out));
  if (typeof tree === 'object') return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, skeletonOf(v, [...at, k], out)]));
  throw new DownhillError(`saveCheckpoint: the optimizer state holds a ${typeof tree} at '${at.join('.')}', which cannot be saved.`, `keep optimizer state to tensors, numbers, arrays and objects.`);
}

function fromSkeleton(s: Skeleton, tensors: NamedTensors): unknown {
  if (s === null || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map((v) => fromSkeleton(v, tensors));
  if ('tensor' in s && typeof s.tensor === 'string') return tensors[s.tensor];
  if ('number' in s && typeof s.number === 'string') return Number(s.number);
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fromSkeleton(v, tensors)]));
}

function layoutDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (a instanceof tf.Tensor || b instanceof tf.Tensor) {
    if (!(a instanceof tf.Tensor && b instanceof tf.Tensor)) return `${at} is ${kind(a)} in the checkpoint, ${kind(b)} here`;
    return a.shape.join(',') === b.shape.join(',') ? undefined : `${at} has shape [${a.shape}] in the checkpoint, [${b.shape}] here`;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return kind(a) === kind(b) ? undefined : `${at} is ${kind(a)} in the checkpoint, ${kind(b)} here`;
  }
  const ka = Object.keys(a).sort().join(', ');
  const kb = Object.keys(b).sort().join(', ');
  if (ka !== kb) return `${at} has entries (${ka}) in the checkpoint, (${kb}) here`;
  for (const k of Object.keys(a)) {
    const d = layoutDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function kind(v: unknown): string {
  if (v instanceof tf.Tensor) return 'a tensor';
  if (v === null || v === undefined) return 'empty';
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`;
}
