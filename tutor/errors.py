"""Domain errors. The core raises them; only the CLI and API turn them into exit codes or statuses."""


class TutorError(Exception):
    """Base class for every error the tutor reports to a user."""


class InvalidQuestion(TutorError):
    """The question is empty, too long, or otherwise unusable."""


class CorpusError(TutorError):
    """The corpus directory is missing, empty, or has no readable document."""


class IndexMissing(TutorError):
    """The index has not been built, or is out of date with the corpus."""


class StoreUnavailable(TutorError):
    """The vector store (e.g. a Chroma server) cannot be reached."""


class ConfigError(TutorError):
    """A setting has a value the tutor cannot use."""


class BackendUnavailable(TutorError):
    """A language-model backend cannot be used: a missing extra, model file, or unreachable endpoint."""


class PromptError(ConfigError):
    """A prompt file is missing, malformed, or rendered with missing or unknown variables."""
