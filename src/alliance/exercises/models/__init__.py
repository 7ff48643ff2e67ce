"""models of the exercises app: one module per area (programmes, scenarios, runs)."""

from alliance.exercises.models.after_action import (  # noqa: F401
    AfterActionSnapshot,
    AttendanceMark,
    Certificate,
    FeedbackResponse,
    ImprovementItem,
)
from alliance.exercises.models.evaluation import DecisionLogEntry, ObserverRating, Rating  # noqa: F401
from alliance.exercises.models.programmes import Applicant, Call, Edition, Programme, SelectionRun  # noqa: F401
from alliance.exercises.models.runs import (  # noqa: F401
    ExerciseRun,
    InjectRead,
    InjectRelease,
    RunStaff,
    Team,
    TeamSeat,
)
from alliance.exercises.models.scenarios import ScenarioEvidence, ScenarioPackage  # noqa: F401
