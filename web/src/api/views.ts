// The JSON the API answers with, as the UI reads it.
//
// Most of ALMA's routes still declare their answers as untyped objects in OpenAPI (`{[key: string]:
// unknown}`), so the generated client (schema.d.ts) types requests, paths and parameters but not these
// bodies. Until the API publishes typed response models, these interfaces describe what
// `alma.services.views`, `Plan.as_json`, `RunResult.as_json` and `ChatTurn.as_json` write; endpoints.ts is
// the one place that reads an answer as one of them. Once the response models exist, run
// `npm --prefix web run generate` and replace each interface by its generated `components["schemas"][...]`.
import type { components } from "./schema";

export type DriftReport = components["schemas"]["DriftReport"];

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  error?: string;
  errors?: Array<{ path?: string; line?: number | null; column?: number | null; message: string }>;
  warnings?: Array<{ path?: string; line?: number | null; column?: number | null; message: string }>;
}

export interface Whoami {
  name: string;
  role: string;
}

export interface StackSummary {
  name: string;
  revision: number;
  resources: number;
  updated_at: string;
}

export interface Resource {
  stack: string;
  name: string;
  type: string;
  provider: string;
  status: string;
  specs: Record<string, unknown>;
  dependencies: string[];
  external_id: string | null;
  revision: number;
  updated_at: string;
}

export interface Deployment {
  deployment_id: string;
  revision: number;
  status: string;
  kind: string;
  stack: string;
  plan_id: string | null;
  actor: string;
  started_at: string;
  finished_at: string | null;
  summary: Record<string, number>;
  error: string | null;
}

export interface AlmaEvent {
  id: number;
  at: string;
  kind: string;
  resource: string | null;
  actor: string;
  deployment_id: string | null;
  message: string;
  data: Record<string, unknown>;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
  forces_replace: boolean;
}

export type ActionKind = "create" | "update" | "replace" | "delete" | "noop";

export interface PlanAction {
  resource: string;
  type: string;
  provider: string;
  action: ActionKind;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changes: FieldChange[];
  dependencies: string[];
  external_id: string | null;
  reason: string;
}

export interface Plan {
  stack: string;
  plan_id: string;
  hash: string;
  kind: string;
  base_revision: number;
  target_revision: number | null;
  environment: string | null;
  summary: Record<ActionKind, number>;
  actions: PlanAction[];
  approval_reasons?: string[];
  warnings?: Array<{ path?: string; line?: number | null; column?: number | null; message: string }>;
}

export interface IprSummary {
  id: number;
  stack: string;
  title: string;
  author: string;
  status: string;
  revision: number;
  updated_at: string;
}

export interface Review {
  revision: number;
  reviewer: string;
  verdict: "approve" | "request_changes" | "reject" | "comment";
  comment: string;
  at: string;
}

export interface Ipr extends IprSummary {
  description: string;
  reviewers: string[];
  approvals: string[];
  approvals_required: number;
  policy_reasons: string[];
  deployment_id: string | null;
  plan: Plan;
  reviews: Review[];
  created_at: string;
}

export interface RunAnswer {
  deployment_id: string | null;
  stack: string | null;
  revision: number | null;
  status: string;
  outcome: string;
  summary: Record<string, number>;
  failures: unknown[];
  verify_failures: string[];
  error: string | null;
  notes: string[];
  nothing_done: string | null;
}

export interface EngineStatus {
  name: string;
  ok: boolean;
  detail: string;
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
