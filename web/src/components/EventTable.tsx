import { useState } from "react";
import { Link } from "react-router";
import type { AlmaEvent } from "../api/views";
import { Scroll } from "./Scroll";
import { Time } from "./Time";

const SHOWN_AT_FIRST = 200;

/**
 * Events as the audit trail shows them: who did what, when, to which resource, in which deployment. A long
 * list shows its latest 200 (the end of a deployment, the newest of a trail) until asked for all.
 */
export function EventTable({ events, label, newestFirst = false }: { events: AlmaEvent[]; label: string; newestFirst?: boolean }) {
  const [all, setAll] = useState(false);
  if (!events.length) return <p>No events.</p>;
  const hidden = all ? 0 : Math.max(0, events.length - SHOWN_AT_FIRST);
  const shown = hidden === 0 ? events : newestFirst ? events.slice(0, SHOWN_AT_FIRST) : events.slice(hidden);
  return (
    <>
    {hidden > 0 ? (
      <p>
        {newestFirst ? "The newest" : "The latest"} {SHOWN_AT_FIRST} of {events.length} events.{" "}
        <button type="button" className="secondary small" onClick={() => setAll(true)}>
          Show all {events.length}
        </button>
      </p>
    ) : null}
    <Scroll label={label}>
      <table className="events">
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Kind</th>
            <th scope="col">Resource</th>
            <th scope="col">Actor</th>
            <th scope="col">Deployment</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id} data-kind={e.kind}>
              <td>{e.id}</td>
              <td>
                <Time at={e.at} />
              </td>
              <td>
                <code>{e.kind}</code>
              </td>
              <td>{e.resource ?? "—"}</td>
              <td>{e.actor}</td>
              <td>{e.deployment_id ? <Link to={`/deployments/${e.deployment_id}`}>{e.deployment_id.slice(0, 8)}</Link> : "—"}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
    </>
  );
}
