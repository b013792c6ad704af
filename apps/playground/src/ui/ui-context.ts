import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import type { UiSession } from './ui-session.js';

/** What every `/api` route works with. */
export interface UiContext {
  stack: PlaygroundStack;
  session: UiSession;
  /** The stack's keys: masked out of everything sent to the page. */
  secrets: readonly string[];
  maxBodyBytes: number;
}

export type UiRoute = (
  context: UiContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void>;
