"""The grading pipeline's records: typed data in the parent, plain JSON on the wire.

    Source        what is graded (a package, a .py file, a notebook)
    Config        one configuration an exercise is built with
    CheckPlan     one check to make, with its configuration and points
    Observation   what the grading child saw of one configuration
    Outcome       everything the child reported for one exercise
    CheckResult   one check's verdict                       -> JSON, JUnit, Gradescope
    ModelPair     the student's and the reference's model of one configuration -> the pictures
    ExerciseResult, Report                                  -> the reports

Between the parent and the grading child, Source, Config and Observation travel as
JSON objects (`wire()` / `from_wire()`); the descriptions and findings inside them stay
plain data (see describe.py and compare.py).
"""
from dataclasses import asdict, dataclass, field


class _OnTheWire:
    """A record that travels between the parent and a grading job as the JSON of its fields."""

    def wire(self):
        """The JSON object sent to the grading job."""
        return asdict(self)

    @classmethod
    def from_wire(cls, data):
        """The record a JSON object describes."""
        return cls(**data)


@dataclass(frozen=True)
class Source(_OnTheWire):
    """What is graded.

    Attributes:
        kind: "package" (an importable package: `name`), "file" (a .py file: `path`) or
            "notebook" (an .ipynb file: `path`).
        display: how it is named to the student ("exercises/unet.py", "work.ipynb").
        name: the package name, for kind "package".
        path: the absolute path, for kinds "file" and "notebook".
    """

    kind: str
    display: str
    name: str = None
    path: str = None


@dataclass(frozen=True)
class Config(_OnTheWire):
    """One configuration of an exercise.

    Attributes:
        name: "course configuration 1", "random configuration 2".
        origin: "course" or "random".
        args: the arguments given to the graded function (shapes without the batch).
        behaviour: whether the outputs are also compared on a fixed input.
    """

    name: str
    origin: str
    args: dict
    behaviour: bool


@dataclass(frozen=True)
class CheckPlan:
    """One check to make: kind "structure", "behaviour" or "own_blocks", its configuration and points."""

    name: str
    kind: str
    config: Config
    max_score: int


@dataclass(frozen=True)
class Observation:
    """What the grading child saw of one configuration.

    Attributes:
        status: "ok" (built and described) or "error" (the student's code did not give a model).
        description: the model's description (see describe.py), when ok.
        outputs: the encoded outputs on the fixed input (behaviour configurations), when ok.
        error: the error's plain data (see student_errors.py), when not ok.
        built: when not ok, the description of the model as far as it was built (the blocks
            that had returned before the error), or None.
    """

    status: str
    description: dict = None
    outputs: list = None
    error: dict = None
    built: dict = None

    @property
    def ok(self):
        """Whether the configuration was built and described."""
        return self.status == "ok"

    def wire(self):
        """The JSON object the grading child sends."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_wire(cls, data):
        """The Observation a JSON object describes."""
        return cls(status=data["status"], description=data.get("description"),
                   outputs=data.get("outputs"), error=data.get("error"), built=data.get("built"))


@dataclass
class Outcome:
    """Everything the grading child reported for one exercise.

    Attributes:
        own: one Observation per configuration, built with the student's own code; None
            when the source defines no such function.
        reference: the same with the reference blocks (exercises built from blocks), when
            the own observations fail.
        mixed: block function -> observations with that one block the student's and the
            others the reference's, when the reference-block observations pass.
        error: an error that kept the exercise from being graded at all.
        phase: "load" (the source did not load) or "grade" (the grading process stopped), with `error`.
    """

    own: list = None
    reference: list = None
    mixed: dict = None
    error: dict = None
    phase: str = None


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: status "passed", "failed" or "error", the points and the message.

    `mistake` (checks that did not pass) is the first difference in few words, the same for
    every student who makes it (see messages.mistake): what a class's summary counts. It is
    not part of a student's JSON report.
    """

    name: str
    status: str
    score: int
    max_score: int
    message: str
    mistake: str = None

    def wire(self):
        """The check in the JSON report (its documented keys)."""
        return {"name": self.name, "status": self.status, "score": self.score, "max_score": self.max_score,
                "message": self.message}


@dataclass(frozen=True)
class ModelPair:
    """The student's and the reference's model of one configuration: what a picture of them draws.

    Attributes:
        config: the configuration's name ("course configuration 1").
        args: its arguments.
        reference: the reference's description (describe.py).
        student: the student's description; when their code stopped, as far as it was
            built (see `stopped`), or None when nothing was built.
        stopped: where and why the student's code stopped, in the report's words, or None.
        difference: the first difference, in the report's words, or None.
        expected_at: the layer (an index into reference["layers"]) the difference is at, or None.
        found_at: the same layer in the student's description, or None.
    """

    config: str
    args: dict
    reference: dict
    student: dict = None
    stopped: str = None
    difference: str = None
    expected_at: int = None
    found_at: int = None


@dataclass(frozen=True)
class ExerciseResult:
    """One exercise's checks and points; its notes: what the grader saw that costs no points (a
    setting that changes nothing on the inputs the exercise admits, blocks called with a renamed
    keyword), one line each; `models`: a ModelPair to draw, when the grading saw one."""

    name: str
    function: str
    checks: tuple
    notes: tuple = ()
    models: ModelPair = None

    @property
    def score(self):
        """Points scored."""
        return sum(check.score for check in self.checks)

    @property
    def max_score(self):
        """Points possible."""
        return sum(check.max_score for check in self.checks)


@dataclass(frozen=True)
class Report:
    """A grading run's result: what every renderer (text, JSON, JUnit, Gradescope) shows.

    Attributes:
        source: the graded source, as the student knows it.
        seed: the seed of the random configurations.
        exercises: the ExerciseResults, in the order graded.
        versions: the grader's and the libraries' versions.
        output: what the student's code printed (kept up to a limit).
        output_dropped: how many characters of it were not kept.
        notes: lines about the source itself (for example imports left out of a notebook).
        seconds: how long grading took, wall clock, when the command measured it.
    """

    source: str
    seed: int
    exercises: tuple
    versions: dict
    output: str = ""
    output_dropped: int = 0
    notes: tuple = field(default=())
    seconds: float = None

    @property
    def score(self):
        """Points scored over all exercises."""
        return sum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self):
        """Points possible over all exercises."""
        return sum(exercise.max_score for exercise in self.exercises)

    @property
    def passed(self):
        """Whether every check passed."""
        return self.score == self.max_score
