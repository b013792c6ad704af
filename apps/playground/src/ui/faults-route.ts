import { invalidField, isObject } from '../gateway/wire-fields.js';
import { readJsonBody } from '../server/http-io.js';
import { sendPageJson } from './page-json.js';
import type { UiRoute } from './ui-context.js';
import { FAULT_PRESET_NAMES, type FaultPreset } from './ui-session.js';

function presetOf(field: string, value: unknown): FaultPreset {
  if (typeof value !== 'string' || !FAULT_PRESET_NAMES.includes(value as FaultPreset)) {
    invalidField(field, `must be one of ${FAULT_PRESET_NAMES.join(', ')}`);
  }
  return value as FaultPreset;
}

/**
 * `POST /api/faults` `{ fault, mode }` arms a fault in the embedded simulator: `mode: "once"`
 * for the next call only, `"on"` / `"off"` for the toggle (every call while on). Faults
 * go to the simulator only: a real provider never sees them. Answers the fault state.
 */
export const armFaultRoute: UiRoute = async (context, request, response) => {
  const body = await readJsonBody(request, context.maxBodyBytes);
  if (!isObject(body)) invalidField('body', 'must be a JSON object { fault, mode }');
  const { fault, mode } = body;
  const preset = presetOf('fault', fault);
  if (mode === 'once') context.session.armOnce(preset);
  else if (mode === 'on' || mode === 'off') context.session.setAlways(preset, mode === 'on');
  else invalidField('mode', 'must be "once", "on" or "off"');
  sendPageJson(response, 200, context.session.faultState(), context.secrets);
};

/** `DELETE /api/faults`: every fault off, queued ones dropped. */
export const clearFaultsRoute: UiRoute = async (context, _request, response) => {
  context.session.clearFaults();
  sendPageJson(response, 200, context.session.faultState(), context.secrets);
};
