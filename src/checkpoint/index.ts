export { Checkpoint, saveCheckpoint, loadCheckpoint, disposeCheckpoint, checkCheckpointFits } from './checkpoint';
export { encodeSafetensors, decodeSafetensors, readSafetensors, writeSafetensors } from './safetensors';
