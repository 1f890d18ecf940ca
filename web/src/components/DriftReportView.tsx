// A stack's drift, as `alma drift STACK` reports it (the API's typed DriftReport, generated from OpenAPI):
// per resource what the engines have that the record does not say, and what a plan would do about it.
import type { DriftReport } from "../api/views";
import { Badge } from "./Badge";
import { Scroll } from "./Scroll";
import { Time } from "./Time";

const show = (v: unknown) => JSON.stringify(v);

export function DriftReportView({ report }: { report: DriftReport }) {
  const { summary } = report;
  const drifted = report.resources.filter((r) => r.drift !== "in_sync");
  return (
    <div className="drift" role="status">
      <p>
        {report.drifted ? <Badge value="drift" tone="bad" /> : <Badge value="in sync" tone="good" />} revision {report.revision},
        read <Time at={report.checked_at} />: {summary.changed} changed, {summary.missing} missing, {summary.unmanaged} unmanaged,{" "}
        {summary.in_sync} in sync.
        {report.change_in_progress ? ` A change is running (${report.change_in_progress}): the engines may be ahead of the record.` : ""}
      </p>
      {report.error ? <p className="problem">{report.error}</p> : null}
      {drifted.length ? (
        <Scroll label="Drifted resources">
          <table>
            <caption className="visually-hidden">Drifted resources</caption>
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Drift</th>
                <th scope="col">A plan would</th>
                <th scope="col">Fields (recorded → actual)</th>
              </tr>
            </thead>
            <tbody>
              {drifted.map((r) => (
                <tr key={r.resource} data-drift={r.drift}>
                  <th scope="row">{r.resource}</th>
                  <td>
                    <Badge value={r.drift} tone="bad" />
                  </td>
                  <td>{r.repair}</td>
                  <td>
                    {r.fields.map((f) => (
                      <div key={f.path}>
                        <code>{f.path}</code>: <code>{show(f.recorded)}</code> → <code>{show(f.actual)}</code>
                        {f.forces_replace ? " (forces replacement)" : ""}
                      </div>
                    ))}
                    {r.detail ? <div>{r.detail}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ) : null}
    </div>
  );
}
