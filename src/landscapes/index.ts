export { Landscape, Minimum, LandscapeSpec, defineLandscape } from './landscape';
export { parabola, quadratic, rosenbrock, himmelblau, beale, saddle } from './classics';
export { doubleWell } from './double_well';
export { linearRegressionLoss } from './regression_loss';
export { basinsOf, BasinMap, BasinOptions } from './basins';
