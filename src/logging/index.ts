export { EventFileWriter, readEventFile, ParsedEvent } from './tfevents';
export { frameRecord, readRecords, crc32c, maskedCrc32c } from './tfrecord';
