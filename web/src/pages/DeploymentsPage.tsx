// Recent deployments of every stack, newest first (each stack's history, merged).
import { Link } from "react-router";
import { history, stacks } from "../api/endpoints";
import type { Deployment } from "../api/views";
import { Badge } from "../components/Badge";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { Scroll } from "../components/Scroll";
import { Time } from "../components/Time";
import { useLoad } from "../components/useLoad";

const PER_STACK = 20;

async function recent(): Promise<Deployment[]> {
  const all = await stacks();
  const lists = await Promise.all(all.map(async (s) => (await history(s.name)).slice(0, PER_STACK)));
  return lists.flat().sort((a, b) => b.started_at.localeCompare(a.started_at));
}

export default function DeploymentsPage() {
  const found = useLoad(recent, []);
  return (
    <Page
      title="Deployments"
      busy={found.loading}
      actions={
        <button type="button" className="secondary" onClick={found.reload}>
          Refresh
        </button>
      }
    >
      <ProblemView error={found.error} />
      {found.data && found.data.length === 0 ? <p>No deployments yet.</p> : null}
      {found.data?.length ? (
        <Scroll label="Deployments">
          <table>
            <caption className="visually-hidden">Deployments, newest first (the latest {PER_STACK} of each stack)</caption>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Stack</th>
                <th scope="col">Revision</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">By</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {found.data.map((d) => (
                <tr key={d.deployment_id}>
                  <th scope="row">
                    <Link to={`/deployments/${d.deployment_id}`}>{d.deployment_id.slice(0, 12)}</Link>
                  </th>
                  <td>
                    <Link to={`/stacks/${encodeURIComponent(d.stack)}`}>{d.stack}</Link>
                  </td>
                  <td>{d.revision}</td>
                  <td>{d.kind}</td>
                  <td>
                    <Badge value={d.status} />
                  </td>
                  <td>{d.actor}</td>
                  <td>
                    <Time at={d.started_at} />
                  </td>
                  <td>
                    <Time at={d.finished_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ) : null}
    </Page>
  );
}
