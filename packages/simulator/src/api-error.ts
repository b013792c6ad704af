/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export interface ErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** A failure a handler answers with: status, envelope, and any extra headers (retry-after). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    body: Partial<ErrorBody> & { message: string },
    headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.status = status;
    this.body = {
      message: body.message,
      type: body.type ?? 'invalid_request_error',
      param: body.param ?? null,
      code: body.code ?? null,
    };
    this.headers = headers;
  }
}

export const invalidParam = (param: string, message: string, code: string | null = null) =>
  new ApiError(400, { message, type: 'invalid_request_error', param, code });

export const modelNotFound = (model: string) =>
  new ApiError(404, {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });

export const insufficientQuota = () =>
  new ApiError(429, {
    message: 'You exceeded your current quota, please check your plan and billing details.',
    type: 'insufficient_quota',
    code: 'insufficient_quota',
  });
