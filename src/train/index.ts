export { fit, FitOptions } from './fit';
export { descend, DescendOptions } from './descend';
export { evaluate, predictClasses, EvaluateOptions } from './evaluate';
export { lrRangeTest, LrRangeTestOptions, LrRangeTestResult } from './lr_range_test';
export { compare, summarize, CompareOptions, ComparisonRow } from './compare';
export { History, StepRecord, EpochRecord, StopReason, StopInfo } from './history';
export { Callback, RunContext, printEpochs, printSteps } from './callbacks';
export { StopOptions } from './loop';
export { DivergenceError } from './divergence';
