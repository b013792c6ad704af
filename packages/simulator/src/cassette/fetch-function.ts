/** The `fetch` signature OpenAI clients accept as their `fetch` option. */
export type FetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;
