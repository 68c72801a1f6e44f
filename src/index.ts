/**
 * downhill: gradient descent you can run, see and change.
 *
 *   import * as dh from 'downhill';
 *   await dh.runtime.init();
 *   const model = dh.models.linear();
 *   const history = await dh.fit({ model, loss: dh.losses.mse, data: { x, y }, optimizer: dh.optim.sgd({ lr: 0.01 }) });
 */
import * as tf from '@tensorflow/tfjs';

export * as runtime from './runtime';
export * as optim from './optim';
export * as schedules from './schedules';
export * as data from './data';
export * as models from './models';
export * as losses from './losses';
export * as landscapes from './landscapes';
export * as checkpoint from './checkpoint';
export * as logging from './logging';
export * as plot from './plot';
export * from './display';
export * from './train';
export * as check from './check';
export { CheckError } from './check';
export { DownhillError } from './errors';
export { Random } from './random';
export { tf };
