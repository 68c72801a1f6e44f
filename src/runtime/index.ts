export { init, ensure, info, describe, RuntimeInfo, BackendStatus, InitOptions, CalibrationInfo } from './runtime';
export { BACKEND_NAMES, BackendName } from './backends';
export { doctor, formatDoctor, DoctorOptions } from './doctor';
export { CALIBRATION_STEP } from './calibration';
export { useNativeMatMul } from './wasm_matmul';
