// The JSON the API answers with, as the UI reads it: the response models the API publishes in OpenAPI,
// generated into schema.d.ts (`npm --prefix web run generate`), named here for the pages. The few answers
// still declared as untyped objects (the problem JSON's shape, a chat turn) are described by hand below,
// from what `alma.api.problems` and `ChatTurn.as_json` write; replace each by its generated schema once
// the API publishes one. endpoints.ts is the one place that reads an answer as one of these.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type DriftReport = Schemas["DriftReport"];
export type Whoami = Schemas["WhoAmIOut"];
export type StackSummary = Schemas["StackOut"];
export type Resource = Schemas["ResourceOut"];
export type Deployment = Schemas["DeploymentOut"];
export type AlmaEvent = Schemas["EventOut"];
export type FieldChange = Schemas["FieldChangeOut"];
export type PlanAction = Schemas["ActionOut"];
export type ActionKind = PlanAction["action"];
export type Diagnostic = Schemas["DiagnosticOut"];
/** A plan (as an IPR or a chat turn carries it), with the policy's reasons when the API gave them. */
export type Plan = Schemas["PlanOut"] & Partial<Pick<Schemas["PlanProposalOut"], "approval_reasons" | "warnings">>;
export type IprSummary = Schemas["IprSummaryOut"];
export type Review = Schemas["ReviewOut"];
export type Ipr = Schemas["IprOut"];
/** A run's answer: its result (inline), or its deployment's id when it was queued for a worker (202). */
export type RunAnswer = Schemas["RunOut"] | Schemas["QueuedRunOut"];
export type QueuedDeployment = Schemas["QueuedDeploymentOut"];
export type EngineStatus = Schemas["EngineOut"];

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  error?: string;
  errors?: Array<{ path?: string; line?: number | null; column?: number | null; message: string }>;
  warnings?: Array<{ path?: string; line?: number | null; column?: number | null; message: string }>;
}

export interface ChatTurn {
  session: string;
  intent: string;
  persona: string;
  reply: string;
  outcome: string;
  risk: {
    decision: "allow" | "confirm" | "block";
    frustration: number;
    reason: string;
    next_step: string | null;
    token: string | null;
  } | null;
  plan: Plan | null;
  ipr: number | null;
  run: {
    deployment_id: string | null;
    outcome: string;
    stack: string | null;
    revision: number | null;
    summary: Record<string, number>;
    error: string | null;
  } | null;
  listings: Array<{ title: string; columns: string[]; rows: unknown[][] }>;
  blueprint: string | null;
  phrased: string | null;
}
