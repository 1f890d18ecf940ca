// Infrastructure Pull Requests, filtered by status and stack (the filters live in the URL's query, which
// holds nothing secret, so a filtered list can be shared).
import { Link, useSearchParams } from "react-router";
import { iprs, stacks } from "../api/endpoints";
import { Badge } from "../components/Badge";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { Scroll } from "../components/Scroll";
import { Time } from "../components/Time";
import { useLoad } from "../components/useLoad";

export const IPR_STATUSES = ["open", "approved", "changes_requested", "applying", "applied", "rejected", "superseded", "closed", "failed"];

export default function IprsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const stack = params.get("stack") ?? "";
  const found = useLoad(() => iprs({ ...(status ? { status } : {}), ...(stack ? { stack } : {}) }), [status, stack]);
  const known = useLoad(stacks, []);
  const choose = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return (
    <Page title="Infrastructure Pull Requests" busy={found.loading}>
      <div className="filters" role="group" aria-label="Filters">
        <label htmlFor="ipr-status">Status</label>
        <select id="ipr-status" value={status} onChange={(e) => choose("status", e.target.value)}>
          <option value="">any</option>
          {IPR_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace(/_/g, " ")}
            </option>
          ))}
        </select>
        <label htmlFor="ipr-stack">Stack</label>
        <select id="ipr-stack" value={stack} onChange={(e) => choose("stack", e.target.value)}>
          <option value="">any</option>
          {(known.data ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <ProblemView error={found.error} />
      {found.data && found.data.length === 0 ? <p>No IPRs match.</p> : null}
      {found.data?.length ? (
        <Scroll label="IPRs">
          <table>
            <caption className="visually-hidden">IPRs</caption>
            <thead>
              <tr>
                <th scope="col">IPR</th>
                <th scope="col">Title</th>
                <th scope="col">Stack</th>
                <th scope="col">Status</th>
                <th scope="col">Author</th>
                <th scope="col">Revision</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {found.data.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <Link to={`/iprs/${i.id}`}>#{i.id}</Link>
                  </th>
                  <td>
                    <Link to={`/iprs/${i.id}`}>{i.title}</Link>
                  </td>
                  <td>{i.stack}</td>
                  <td>
                    <Badge value={i.status} />
                  </td>
                  <td>{i.author}</td>
                  <td>{i.revision}</td>
                  <td>
                    <Time at={i.updated_at} />
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
