import { readJsonBody } from '../server/http-io.js';
import { parseChatInput } from './chat-input.js';
import { exportCode } from './export-code.js';
import { sendPageJson } from './page-json.js';
import type { UiRoute } from './ui-context.js';

/** `POST /api/export` `{ target, request, stream? }` answers `{ code }`: the request as a ply program. */
export const exportRoute: UiRoute = async (context, request, response) => {
  const input = parseChatInput(await readJsonBody(request, context.maxBodyBytes), context.stack);
  const { stack } = context;
  const provider = stack.config.providers.find((entry) => entry.id === input.providerId);
  // parseChatInput checked the registry; the config lists the same providers.
  if (provider === undefined) throw new Error(`No configuration for provider ${input.providerId}`);
  const code = exportCode({
    target: input.target,
    provider,
    request: input.request,
    stream: input.stream,
    config: stack.config,
  });
  sendPageJson(response, 200, { target: input.target, filename: 'call.ts', code }, context.secrets);
};
