"""The deployment workflow: a LangGraph state graph, Validate → Check → Heal → Approval → Execute →
Verify (→ Rollback), with a persistent checkpointer so a killed run resumes where it stopped.

``alma.workflow.runner.WorkflowService`` runs it; importing it loads LangGraph (about a second), so
this package's root exports only the result type.
"""

from alma.workflow.result import RunResult

__all__ = ["RunResult"]
