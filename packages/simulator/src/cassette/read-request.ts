import { parseBody } from './body.js';
import type { RecordedRequest } from './cassette.js';
import type { Redactor } from './redact.js';

/** A multipart field as kept: its text, or a file's name, type and content as text. */
type FormField =
  | { name: string; value: string }
  | { name: string; filename: string; type: string; content: string };

/**
 * Multipart bodies are kept as their fields: the raw text carries a boundary chosen afresh
 * for every request, so it would never match on replay.
 */
async function formFields(request: Request): Promise<FormField[]> {
  const fields: FormField[] = [];
  for (const [name, value] of await request.formData()) {
    fields.push(
      typeof value === 'string'
        ? { name, value }
        : { name, filename: value.name, type: value.type, content: await value.text() },
    );
  }
  return fields;
}

/** A request as a cassette keeps it, redacted; reads (consumes) its body. */
export async function readRequest(request: Request, redactor: Redactor): Promise<RecordedRequest> {
  const url = new URL(request.url);
  const contentType = request.headers.get('content-type');
  const body = contentType?.toLowerCase().startsWith('multipart/form-data')
    ? await formFields(request)
    : parseBody(await request.text(), contentType);
  return {
    method: request.method,
    origin: redactor.text(url.origin),
    path: redactor.text(url.pathname + url.search),
    headers: redactor.headers(request.headers),
    ...(body === undefined ? {} : { body: redactor.json(body) }),
  };
}
