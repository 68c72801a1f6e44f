export { Model, predict, parameterCount, parameterValues, disposeModel } from './model';
export { linear, softmaxRegression, dense, LinearOptions } from './linear';
export { mlp, MlpOptions, Activation } from './mlp';
export { Init, initWeights } from './init';
