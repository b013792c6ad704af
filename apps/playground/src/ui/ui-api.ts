import { InvalidRequestError, NotFoundError } from '@ply/core';
import { type RouteHandler, sendError } from '../server/http-io.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { chatRoute } from './chat-route.js';
import { estimateRoute } from './estimate-route.js';
import { exportRoute } from './export-route.js';
import { armFaultRoute, clearFaultsRoute } from './faults-route.js';
import { modelsRoute } from './models-route.js';
import { stateRoute } from './state-route.js';
import type { UiContext, UiRoute } from './ui-context.js';
import { UiSession } from './ui-session.js';

export interface UiApiOptions {
  maxBodyBytes: number;
}

/** Every endpoint of the page, by `METHOD path`. */
const ROUTES: Readonly<Record<string, UiRoute>> = {
  'GET /api/state': stateRoute,
  'GET /api/models': modelsRoute,
  'POST /api/estimate': estimateRoute,
  'POST /api/chat': chatRoute,
  'POST /api/faults': armFaultRoute,
  'DELETE /api/faults': clearFaultsRoute,
  'POST /api/export': exportRoute,
};

const PATHS = new Set(Object.keys(ROUTES).map((route) => route.slice(route.indexOf(' ') + 1)));

/**
 * The browser UI's API: owns `/api/*`. Failures answer OpenAI's error envelope with ply's
 * typed code (`error.ply_code`) and the field at fault (`error.param`), with the stack's
 * keys masked: the page never receives one.
 */
export function createUiApiHandler(stack: PlaygroundStack, options: UiApiOptions): RouteHandler {
  const context: UiContext = {
    stack,
    session: new UiSession(stack),
    secrets: stack.secrets,
    maxBodyBytes: options.maxBodyBytes,
  };
  return async (request, response, url) => {
    if (!url.pathname.startsWith('/api/')) return false;
    try {
      const route = ROUTES[`${request.method} ${url.pathname}`];
      if (route === undefined) {
        if (PATHS.has(url.pathname)) {
          throw new InvalidRequestError(`${request.method} is not allowed on ${url.pathname}`, {
            status: 405,
          });
        }
        throw new NotFoundError(`No API route ${url.pathname}`, { status: 404 });
      }
      await route(context, request, response, url);
    } catch (error) {
      sendError(response, error, context.secrets);
    }
    return true;
  };
}
