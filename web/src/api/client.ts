// The typed client: openapi-fetch over the generated `paths` (schema.d.ts), with the key from session
// storage sent as a header on every request. Answers that are not 2xx become an ApiError carrying the
// API's problem JSON (its `detail` is the CLI's message, said as it is).
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { storedKey } from "./session";
import type { Problem } from "./views";

export const api = createClient<paths>({ baseUrl: "" });

const withKey: Middleware = {
  onRequest({ request }) {
    const key = storedKey();
    if (key) request.headers.set("X-API-Key", key);
    return request;
  },
};
api.use(withKey);

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }
}

type Unauthorized = () => void;
let onUnauthorized: Unauthorized | null = null;

/** Who to tell when the server says the key is unknown or revoked (the session signs out). */
export function whenUnauthorized(callback: Unauthorized | null): void {
  onUnauthorized = callback;
}

function problemOf(status: number, body: unknown): Problem {
  if (body && typeof body === "object" && "detail" in body) {
    const given = body as Partial<Problem>;
    return {
      type: given.type ?? "about:blank",
      title: given.title ?? String(status),
      status: given.status ?? status,
      detail: String(given.detail),
      ...(given.error ? { error: given.error } : {}),
      ...(given.errors ? { errors: given.errors } : {}),
      ...(given.warnings ? { warnings: given.warnings } : {}),
    };
  }
  const text = typeof body === "string" && body ? body : `the server answered ${status}`;
  return { type: "about:blank", title: String(status), status, detail: text };
}

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * The answer's body, typed as the generated client types it (the API's response model), or an ApiError.
 * Where the API still declares an untyped object, the caller says what it reads (see views.ts).
 */
export async function read<D>(call: Promise<Answer<D>>): Promise<D> {
  let answer: Answer<D>;
  try {
    answer = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, {
      type: "about:blank",
      title: "Unreachable",
      status: 0,
      detail: `the ALMA server cannot be reached (${error instanceof Error ? error.message : String(error)})`,
    });
  }
  const { data, error, response } = answer;
  if (!response.ok) {
    if (response.status === 401) onUnauthorized?.();
    throw new ApiError(response.status, problemOf(response.status, error));
  }
  return data as D;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
