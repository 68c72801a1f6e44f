import { elementwiseUpdate } from './elementwise_update';
import { TORCH_ATTRIBUTES, TORCH_GRADIENT, TORCH_STEP } from './torch_terms';

const RMS_ATTRIBUTES = [...TORCH_ATTRIBUTES, 'alpha', 'eps'];
const SQUARES = `
  let v_next = v * alpha + g * g * (1.0 - alpha);`;
const CENTERED = `
  let mean_next = mean * alpha + g * (1.0 - alpha);
  let r = g / (sqrt(v_next - mean_next * mean_next) + eps);`;
const PLAIN = `
  let r = g / (sqrt(v_next) + eps);`;
/** b ← μ·b + r (b starts at r, as torch's buffer starts at 0), and the step goes along b. */
const MOMENTUM = `
  let buf_next = select(buf * momentum + r, r, first > 0.5);
  let d = buf_next;`;

function rms(centered: boolean, momentum: boolean) {
  const name = `DownhillRmsprop${centered ? 'Centered' : ''}${momentum ? 'Momentum' : ''}Update`;
  return elementwiseUpdate({
    kernelName: name,
    inputs: ['theta', 'grad', 'v', ...(centered ? ['mean'] : []), ...(momentum ? ['buf'] : [])],
    attributes: momentum ? [...RMS_ATTRIBUTES, 'momentum', 'first'] : RMS_ATTRIBUTES,
    formula: `${TORCH_GRADIENT}${SQUARES}${centered ? CENTERED : PLAIN}${momentum ? MOMENTUM : '\n  let d = r;'}${TORCH_STEP}`,
    outputs: ['theta_next', 'v_next', ...(centered ? ['mean_next'] : []), ...(momentum ? ['buf_next'] : [])],
  });
}

/** RMSprop (torch.optim.RMSprop), one kernel for each of its four shapes: [centered][momentum]. */
export const RMSPROP_UPDATES = [
  [rms(false, false), rms(false, true)],
  [rms(true, false), rms(true, true)],
];
