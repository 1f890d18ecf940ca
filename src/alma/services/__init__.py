"""Use cases every surface calls. Surfaces receive these from ``bootstrap.build``."""

from alma.services.blueprints import BlueprintService, LoadedBlueprint, read_text
from alma.services.deployments import DeploymentReport, DeploymentService
from alma.services.engines import EngineService, EngineStatus
from alma.services.imports import ImportService
from alma.services.iprs import IprService, IprView
from alma.services.keys import Caller, KeyService
from alma.services.plans import PlanResult, PlanService
from alma.services.recording import ApplyProgress
from alma.services.stacks import StackService

__all__ = [
    "ApplyProgress",
    "BlueprintService",
    "Caller",
    "DeploymentReport",
    "DeploymentService",
    "EngineService",
    "EngineStatus",
    "ImportService",
    "IprService",
    "IprView",
    "KeyService",
    "LoadedBlueprint",
    "PlanResult",
    "PlanService",
    "StackService",
    "read_text",
]
