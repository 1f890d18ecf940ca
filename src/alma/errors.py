"""The one error tree of ALMA. Every surface maps these in one place (CLI exit codes, HTTP problems).

```
AlmaError
├── InvalidInputError            bad blueprint, bad argument, unknown stack/plan/revision   (exit 1)
│   ├── BlueprintInvalidError    carries every Diagnostic found, all at once
│   │   └── TemplateParametersError  a template's --set values, every bad one named
│   └── NotFoundError            the stack, resource, plan, IPR, run or key named does not exist (HTTP 404)
├── ConflictError                the world moved under you                                  (exit 4)
│   ├── StackLockedError         another mutation holds the stack's lock
│   ├── LockLostError            the lock was taken from a running apply (forced open)
│   ├── StalePlanError           the stack's revision is not the one the plan was made against
│   │   └── RunAbandonedError    a run cannot continue: the stack moved on (it is recorded abandoned)
│   ├── AlreadyAppliedError      the plan (or IPR) was applied already
│   └── RolledBackAlreadyError   the last deployment is a rollback: another, untargeted, would undo it
├── RefusedError                 the request is understood and will not be done             (exit 5)
│   ├── PlanTamperedError        a plan file does not hash to what was stored
│   ├── ApprovalRequiredError    the plan needs an approved Infrastructure Pull Request
│   └── NotBuiltError            a capability that is not built yet says so, and does nothing
├── ConfigurationError           settings or database unusable                              (exit 1)
├── UpstreamError                a service ALMA relies on (a language model) failed          (exit 3)
└── EngineError                  raised by engines, translated at their boundary           (exit 3)
    ├── TransientEngineError     worth retrying (timeouts, locks, rate limits)
    ├── PermanentEngineError     retrying will not help
    └── EngineMismatchError      the engine did not do what it was asked: a bug in the engine
```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alma.diagnostics import Diagnostic


class AlmaError(Exception):
    """Root of every error ALMA raises on purpose; anything else is a bug."""


class InvalidInputError(AlmaError):
    """The input cannot be used as given; nothing was changed."""


class NotFoundError(InvalidInputError):
    """What the request names does not exist: a stack, resource, plan, IPR, run, deployment or key."""


class BlueprintInvalidError(InvalidInputError):
    """A blueprint failed validation. ``diagnostics`` holds every problem, not just the first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        first = errors[0].render() if errors else "invalid blueprint"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")


class TemplateParametersError(BlueprintInvalidError):
    """Parameters a template cannot take: each diagnostic's path is ``parameters.NAME``."""


class ConflictError(AlmaError):
    """The request conflicts with the current state of a stack."""


class StackLockedError(ConflictError):
    """Another mutation holds the stack's lock."""

    def __init__(
        self, stack: str, holder: str, reason: str, since: str, expires: str, advice: str | None = None
    ) -> None:
        self.stack, self.holder, self.reason, self.since, self.expires = stack, holder, reason, since, expires
        advice = advice or f"wait for it to finish, or run `alma force-unlock {stack}` if that holder is gone"
        super().__init__(f"stack '{stack}' is locked by {holder} ({reason}) since {since}, until {expires}; {advice}")


class LockLostError(ConflictError):
    """The stack's lock was removed or taken while this holder was applying; it stopped dispatching."""


class StalePlanError(ConflictError):
    """The plan was made against a state revision that is no longer current."""


class RunAbandonedError(StalePlanError):
    """A run cannot continue because the stack moved on; the run is recorded as abandoned."""


class AlreadyAppliedError(ConflictError):
    """The plan, or the IPR holding it, has been applied already: applying it again would do nothing good."""


class RolledBackAlreadyError(ConflictError):
    """A rollback without a target, right after a rollback: it would re-apply what that rollback undid. The
    operator names the revision to restore instead. ``stack``, ``restored`` (what the rollback restored) and
    ``undone`` (what an untargeted one would restore) let each surface say how to name it in its own words."""

    def __init__(self, message: str, *, stack: str = "", restored: int = 0, undone: int = 0) -> None:
        super().__init__(message)
        self.stack, self.restored, self.undone = stack, restored, undone

    def said(self, without: str, how: str) -> RolledBackAlreadyError:
        """The same refusal in a surface's own terms: ``without`` is what names the revision there (MCP's
        ``to_revision``), ``how`` how to give it."""
        return RolledBackAlreadyError(
            f"stack '{self.stack}' was just rolled back to revision {self.restored}; a rollback without {without} "
            f"would undo that, so it is refused: {how}",
            stack=self.stack,
            restored=self.restored,
            undone=self.undone,
        )


class RefusedError(AlmaError):
    """Understood, and deliberately not done."""


class PlanTamperedError(RefusedError):
    """A plan file's content does not hash to the stored plan's hash."""


class ApprovalRequiredError(RefusedError):
    """The approval policy gates this plan: it runs only through an approved IPR."""


class NotBuiltError(RefusedError):
    """A capability ALMA does not have yet: a clear refusal, never a pretend success."""


class UpstreamError(AlmaError):
    """A service ALMA relies on, other than an engine (a language model), answered with a failure."""


class ConfigurationError(AlmaError):
    """Settings, or the database they point at, cannot be used."""


class EngineError(AlmaError):
    """Raised by an engine. ``resource`` names what it was working on, when known."""

    def __init__(self, message: str, *, resource: str | None = None) -> None:
        self.resource = resource
        super().__init__(message)


class TransientEngineError(EngineError):
    """A failure that may succeed when retried (timeouts, lock contention, rate limits)."""


class PermanentEngineError(EngineError):
    """A failure that retrying will not fix."""


class EngineMismatchError(PermanentEngineError):
    """The engine reported success but reads back something else: this is a bug in the engine."""
