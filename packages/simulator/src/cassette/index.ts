export {
  CASSETTE_VERSION,
  type Cassette,
  type Interaction,
  isStreamResponse,
  parseCassette,
  type RecordedBodyResponse,
  type RecordedChunk,
  type RecordedRequest,
  type RecordedResponse,
  type RecordedStreamResponse,
} from './cassette.js';
export { loadCassette, saveCassette } from './cassette-file.js';
export { CassetteMissError } from './cassette-miss-error.js';
export type { FetchFunction } from './fetch-function.js';
export { type Recording, type RecordingOptions, recordingFetch } from './record-fetch.js';
export { type ReplayOptions, replayFetch } from './replay-fetch.js';
