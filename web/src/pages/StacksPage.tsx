import { Link } from "react-router";
import { stacks } from "../api/endpoints";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { Scroll } from "../components/Scroll";
import { Time } from "../components/Time";
import { useLoad } from "../components/useLoad";

export default function StacksPage() {
  const found = useLoad(stacks, []);
  return (
    <Page title="Stacks" busy={found.loading}>
      <ProblemView error={found.error} />
      {found.data && found.data.length === 0 ? <p>No stacks yet: plan and apply a blueprint to make one.</p> : null}
      {found.data?.length ? (
        <Scroll label="Stacks">
          <table>
            <caption className="visually-hidden">Stacks</caption>
            <thead>
              <tr>
                <th scope="col">Stack</th>
                <th scope="col">Revision</th>
                <th scope="col">Resources</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {found.data.map((s) => (
                <tr key={s.name}>
                  <th scope="row">
                    <Link to={`/stacks/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                  </th>
                  <td>{s.revision}</td>
                  <td>{s.resources}</td>
                  <td>
                    <Time at={s.updated_at} />
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
