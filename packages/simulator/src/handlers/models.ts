import { modelNotFound } from '../api-error.js';
import type { SimulatedModel } from '../catalogue.js';
import type { Handler } from '../handler.js';

const modelObject = (model: SimulatedModel) => ({
  id: model.id,
  object: 'model',
  created: model.created,
  owned_by: model.ownedBy,
});

/** `GET /v1/models`. */
export const listModels: Handler = async ({ simulation }) => ({
  kind: 'json',
  body: { object: 'list', data: [...simulation.models.values()].map(modelObject) },
});

/** `GET /v1/models/{id}`. */
export const retrieveModel: Handler = async ({ simulation, params }) => {
  const model = simulation.models.get(params.id ?? '');
  if (!model) throw modelNotFound(params.id ?? '');
  return { kind: 'json', body: modelObject(model) };
};
