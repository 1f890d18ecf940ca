"""Use cases every surface calls. Surfaces receive these from ``bootstrap.build``.

The store's read records are re-exported here: surfaces name them in annotations without importing the
store."""

from alma.services.blueprints import BlueprintService, FormattedBlueprint, LoadedBlueprint, read_text
from alma.services.deployments import DeploymentReport, DeploymentService
from alma.services.engines import EngineService, EngineStatus
from alma.services.idempotency import IdempotencyService, Replay
from alma.services.imports import ImportService
from alma.services.iprs import IprService, IprView
from alma.services.keys import Caller, KeyService
from alma.services.library import BlueprintLibrary
from alma.services.plans import PlanResult, PlanService
from alma.services.recording import ApplyProgress
from alma.services.stacks import StackService
from alma.store import DeploymentRecord, EventRecord, LockRecord, ResourceRecord, StackSummary

__all__ = [
    "ApplyProgress",
    "BlueprintLibrary",
    "BlueprintService",
    "Caller",
    "DeploymentRecord",
    "DeploymentReport",
    "DeploymentService",
    "EngineService",
    "EngineStatus",
    "EventRecord",
    "FormattedBlueprint",
    "IdempotencyService",
    "ImportService",
    "IprService",
    "IprView",
    "KeyService",
    "LoadedBlueprint",
    "LockRecord",
    "PlanResult",
    "PlanService",
    "Replay",
    "ResourceRecord",
    "StackService",
    "StackSummary",
    "read_text",
]
