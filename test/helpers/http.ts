/** One answer of the HTTP API. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** Options of one request to the HTTP API. */
export interface RequestOptions {
  /** Sent as given (a string is sent as its UTF-8 bytes: fetch adds no content type of its own). */
  body?: string | Buffer;
  /** The content-type header; absent when undefined. */
  contentType?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** One request to `baseUrl + path`; the body is kept as text and, when it parses, as JSON. */
export async function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  o: RequestOptions = {},
  defaultTimeoutMs = 15_000,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.contentType !== undefined) headers['content-type'] = o.contentType;
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(o.timeoutMs ?? defaultTimeoutMs),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
