// The installed engines and whether each is usable now (`GET /api/v1/engines`, asked live of each engine).
import { engines } from "../api/endpoints";
import { Badge } from "../components/Badge";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { Scroll } from "../components/Scroll";
import { useLoad } from "../components/useLoad";

export default function EnginesPage() {
  const found = useLoad(engines, []);
  return (
    <Page
      title="Engines"
      busy={found.loading}
      actions={
        <button type="button" className="secondary" onClick={found.reload}>
          Check again
        </button>
      }
    >
      <ProblemView error={found.error} />
      {found.data ? (
        <Scroll label="Engines">
          <table>
            <caption className="visually-hidden">Engine health</caption>
            <thead>
              <tr>
                <th scope="col">Engine</th>
                <th scope="col">Health</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {found.data.map((e) => (
                <tr key={e.name} data-engine={e.name}>
                  <th scope="row">{e.name}</th>
                  <td>
                    <Badge value={e.ok ? "healthy" : "unhealthy"} />
                  </td>
                  <td>{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ) : null}
    </Page>
  );
}
