import { Link } from "react-router";
import type { AlmaEvent } from "../api/views";
import { Scroll } from "./Scroll";
import { Time } from "./Time";

/** Events as the audit trail shows them: who did what, when, to which resource, in which deployment. */
export function EventTable({ events, label }: { events: AlmaEvent[]; label: string }) {
  if (!events.length) return <p>No events.</p>;
  return (
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
          {events.map((e) => (
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
  );
}
