// Every call the UI makes, over the generated client. Each answer's type comes from the API's response
// model (schema.d.ts) and is checked against what the pages read (views.ts) by the compiler: a change of
// the API that breaks a page breaks `npm run build` once the client is regenerated.
import { ApiError, api, read } from "./client";
import type {
  AlmaEvent,
  Deployment,
  Diagnostic,
  DriftReport,
  EngineStatus,
  Ipr,
  IprSummary,
  Plan,
  QueuedDeployment,
  Resource,
  RunAnswer,
  StackSummary,
  Whoami,
} from "./views";

export type Verdict = "approve" | "request_changes" | "reject" | "comment";

/** Who a key says its holder is; `key` is tried before it is kept (sign-in). */
export const whoami = (key?: string): Promise<Whoami> =>
  read(api.GET("/api/v1/whoami", key ? { headers: { "X-API-Key": key } } : {}));

export const engines = (): Promise<EngineStatus[]> => read(api.GET("/api/v1/engines"));

export const stacks = (): Promise<StackSummary[]> =>
  read(api.GET("/api/v1/stacks", { params: { query: { limit: 500 } } }));

/** Every resource of a stack, page by page (the API answers at most 500 at a time). */
export async function state(stack: string): Promise<Resource[]> {
  const page = 500;
  const all: Resource[] = [];
  for (let offset = 0; ; offset += page) {
    const found: Resource[] = await read(
      api.GET("/api/v1/stacks/{stack}/state", { params: { path: { stack }, query: { limit: page, offset } } }),
    );
    all.push(...found);
    if (found.length < page) return all;
  }
}

/** A stack's deployments, newest first (the API lists them oldest first, 500 at a time). */
export async function history(stack: string): Promise<Deployment[]> {
  const page = 500;
  const all: Deployment[] = [];
  for (let offset = 0; ; offset += page) {
    const found: Deployment[] = await read(
      api.GET("/api/v1/stacks/{stack}/history", { params: { path: { stack }, query: { limit: page, offset } } }),
    );
    all.push(...found);
    if (found.length < page) return all.sort((a, b) => b.revision - a.revision);
  }
}

export const drift = (stack: string): Promise<DriftReport> =>
  read(api.GET("/api/v1/stacks/{stack}/drift", { params: { path: { stack } } }));

export const stackEvents = (
  stack: string,
  query: { after?: number; limit?: number; newest?: boolean; deployment?: string } = {},
): Promise<AlmaEvent[]> => read(api.GET("/api/v1/stacks/{stack}/events", { params: { path: { stack }, query } }));

export const rollbackPlan = (stack: string, to: number | null): Promise<Plan> =>
  read(api.POST("/api/v1/stacks/{stack}/rollback", { params: { path: { stack } }, body: { to } }));

export const destroyPlan = (stack: string): Promise<Plan> =>
  read(api.POST("/api/v1/stacks/{stack}/destroy", { params: { path: { stack } } }));

export const validate = (text: string): Promise<{ valid: boolean; errors: Diagnostic[]; warnings: Diagnostic[] }> =>
  read(
    api.POST("/api/v1/validate", { body: text, bodySerializer: (b: string) => b, headers: { "Content-Type": "text/plain" } }),
  );

/** A plan of a blueprint (YAML or JSON text); stored and hashed by the server. */
export const planBlueprint = (text: string): Promise<Plan> =>
  read(
    api.POST("/api/v1/plans", {
      body: text as never, // the route reads the text itself (the schema only outlines a blueprint)
      bodySerializer: (b: unknown) => b as string,
      headers: { "Content-Type": "text/plain" },
    }),
  );

export const plan = (planId: string): Promise<Plan> =>
  read(api.GET("/api/v1/plans/{plan_id}", { params: { path: { plan_id: planId } } }));

export const applyPlan = (planId: string): Promise<RunAnswer> =>
  read(api.POST("/api/v1/plans/{plan_id}/apply", { params: { path: { plan_id: planId } } }));

export const deployment = (id: string): Promise<Deployment | QueuedDeployment> =>
  read(api.GET("/api/v1/deployments/{deployment_id}", { params: { path: { deployment_id: id } } }));

/** A deployment's events after `after`, every one of them (the API answers at most 1000 at a time). */
export async function deploymentEvents(id: string, after = 0): Promise<AlmaEvent[]> {
  const page = 1000;
  const all: AlmaEvent[] = [];
  for (let cursor = after; ; ) {
    const found = await read(
      api.GET("/api/v1/deployments/{deployment_id}/events", {
        params: { path: { deployment_id: id }, query: { after: cursor, limit: page } },
      }),
    );
    // The route also streams (text/event-stream) when asked to; asked for JSON, it answers the list.
    if (!Array.isArray(found)) throw new ApiError(502, { type: "about:blank", title: "Unexpected answer", status: 502, detail: "the events came back as a stream, not a list" });
    all.push(...found);
    if (found.length < page) return all;
    cursor = found.at(-1)!.id;
  }
}

export const resume = (id: string): Promise<RunAnswer> =>
  read(api.POST("/api/v1/deployments/{deployment_id}/resume", { params: { path: { deployment_id: id } } }));

export const iprs = (query: { status?: string; stack?: string; limit?: number } = {}): Promise<IprSummary[]> =>
  read(api.GET("/api/v1/iprs", { params: { query: { limit: 500, ...query } } }));

export const ipr = (id: number): Promise<Ipr> => read(api.GET("/api/v1/iprs/{ipr_id}", { params: { path: { ipr_id: id } } }));

export const openIpr = (body: { plan_id: string; title?: string; description?: string; reviewers?: string[] }): Promise<Ipr> =>
  read(api.POST("/api/v1/iprs", { body }));

/** A review of the revision the reviewer saw: the server refuses it (409) if the IPR was revised since. */
export const review = (id: number, verdict: Verdict, comment: string, revision: number): Promise<Ipr> =>
  read(api.POST("/api/v1/iprs/{ipr_id}/reviews", { params: { path: { ipr_id: id } }, body: { verdict, comment, revision } }));

export const applyIpr = (id: number): Promise<RunAnswer> =>
  read(api.POST("/api/v1/iprs/{ipr_id}/apply", { params: { path: { ipr_id: id } } }));

export const closeIpr = (id: number, comment: string): Promise<Ipr> =>
  read(api.POST("/api/v1/iprs/{ipr_id}/close", { params: { path: { ipr_id: id } }, body: { comment } }));

/** One chat turn, its reply streamed as server-sent events (see sse.ts). */
export async function chatStream(message: string, session: string | null, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const body = await read(
    api.POST("/api/v1/conversation/chat", {
      body: { message, session },
      headers: { Accept: "text/event-stream" },
      parseAs: "stream",
      ...(signal ? { signal } : {}),
    }),
  );
  if (!body) throw new ApiError(502, { type: "about:blank", title: "No reply", status: 502, detail: "the chat answered without a body" });
  return body as ReadableStream<Uint8Array>;
}

/** What a run's answer says, in a sentence: why nothing was done, its notes, or its outcome. */
export function runSaid(answer: RunAnswer): string {
  if (!("outcome" in answer)) return `queued for a worker as deployment ${answer.deployment_id}`;
  return answer.nothing_done || answer.notes.join(" ") || `outcome: ${answer.outcome}`;
}
