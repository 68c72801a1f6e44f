import * as dh from '../../src';
import { readFixture } from './reference';

/** A case of ../shared/reference/torch2-optimizers.json (PyTorch 2.13, float64): see its `note`. */
export interface Torch2Run {
  id: string;
  what: string;
  problem: 'quadratic' | 'rosenbrock' | 'linreg';
  optimizer: string;
  options: Record<string, unknown>;
  param_groups?: Array<Record<string, unknown> & { params: string }>;
  steps: number;
  start: number[];
  params: number[][];
  loss_before_step: number[];
  /** ASGD only: the averaged iterate after each step. */
  averaged_params?: number[][];
  float32_torch_max_rel_dev: number;
}

export interface Torch2Schedule {
  id: string;
  what: string;
  schedule: string;
  options: Record<string, unknown>;
  optimizer: string;
  optimizer_options: Record<string, number>;
  base_lr: number;
  steps: number;
  lr: number[];
  momentum?: number[];
  beta1?: number[];
  metrics?: number[];
}

export function loadTorch2Reference(): { optimizers: Torch2Run[]; schedules: Torch2Schedule[] } {
  return readFixture('torch2-optimizers.json', process.env.DOWNHILL_REFERENCE2);
}

/** torch's snake_case keyword arguments as downhill's camelCase options (optax's b1, b2 as betas). */
export function camelOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === 'params') continue;
    out[key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  if ('b1' in out || 'b2' in out) {
    out.betas = [out.b1, out.b2];
    delete out.b1;
    delete out.b2;
  }
  return out;
}

type Named = (options: Record<string, unknown>) => dh.optim.GradientTransformation;

/** downhill's optimizer of the same name as the case's, with the case's options. */
export function namedOptimizer(name: string): Named | undefined {
  const found = (dh.optim as unknown as Record<string, unknown>)[name];
  return typeof found === 'function' ? (found as Named) : undefined;
}

/** |got − want| / max(1, |want|): the measure of the fixture's note. */
export function relativeDeviation(got: number, want: number): number {
  return Math.abs(got - want) / Math.max(1, Math.abs(want));
}
