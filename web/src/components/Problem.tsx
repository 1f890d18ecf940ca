import { ApiError, messageOf } from "../api/client";

/** An error said as the API said it (the CLI's message), with every diagnostic when there are several. */
export function ProblemView({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  return (
    <div role="alert" className="problem">
      <strong>{title ?? (problem ? problem.title : "Something went wrong")}</strong>
      <p>{messageOf(error)}</p>
      {problem?.errors?.length ? (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              {e.line ? `line ${e.line}${e.column ? `:${e.column}` : ""}: ` : ""}
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
