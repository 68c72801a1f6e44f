export { init, ensure, info, describe, RuntimeInfo, BackendStatus, InitOptions } from './runtime';
export { BACKEND_NAMES, BackendName } from './backends';
export { doctor, formatDoctor } from './doctor';
