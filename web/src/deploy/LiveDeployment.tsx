import { Link } from "react-router";
import { DeploymentProgress } from "./DeploymentProgress";
import { useDeploymentFeed } from "./useDeploymentFeed";

/** A deployment's live progress where it was started (chat, a plan, an IPR), with a link to its page. */
export function LiveDeployment({ deploymentId }: { deploymentId: string }) {
  const feed = useDeploymentFeed(deploymentId);
  return (
    <section className="live-deployment" aria-label="Deployment progress" data-deployment={deploymentId}>
      <p>
        Deployment <Link to={`/deployments/${deploymentId}`}>{deploymentId.slice(0, 12)}</Link>
        {feed.deployment ? (
          <>
            {" "}
            of <Link to={`/stacks/${encodeURIComponent(feed.deployment.stack)}`}>stack {feed.deployment.stack}</Link>
          </>
        ) : null}
      </p>
      <DeploymentProgress feed={feed} />
    </section>
  );
}
