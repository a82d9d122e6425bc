"""tutor: a grounded tutor that teaches from source material and cites every claim."""

from tutor.config import Settings
from tutor.errors import TutorError
from tutor.types import Citation, SentenceSupport, TutorReply

__all__ = ["Citation", "SentenceSupport", "Settings", "Tutor", "TutorError", "TutorReply"]


def __getattr__(name: str):
    # Importing Tutor pulls in numpy and LangChain; keep `import tutor` light for the CLI's --help.
    if name == "Tutor":
        from tutor.service import Tutor

        return Tutor
    raise AttributeError(name)
