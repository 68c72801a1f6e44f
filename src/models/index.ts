export { Model, predict, parameterCount, parameterValues, disposeModel } from './model';
export { linear, softmaxRegression, dense, LinearOptions } from './linear';
export { mlp, MlpOptions, Activation } from './mlp';
export { Init, initWeights } from './init';
export { cnn, CnnOptions } from './cnn';
export { fromLayersModel, isLayersModel } from './layers_model';
