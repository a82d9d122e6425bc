"""Greetings, thanks, goodbyes and questions about the tutor itself: met the way a tutor would meet them.

None of these is a question the material answers, so their reply kind stays `out_of_scope`; only the words
change. A message counts only when small talk is all it says ("thanks! and what's the weather tomorrow?" is
declined as usual), so nothing a learner asks about the material or anything else is swallowed here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

SmallTalk = Literal["greeting", "thanks", "farewell", "capabilities", "struggling", "pause", "resume"]

_ADDRESSEE = r"(?:there|again|all|everyone|tutor|bot|friend|mate)"
_ADDRESS = rf"(?:\s+{_ADDRESSEE})?"
_POLITE = r"(?:\s*(?:please|pls|plz))?"
_MATERIAL = r"(?:course|material|article|text|reading|lesson)"
_PATTERNS: dict[SmallTalk, re.Pattern[str]] = {
    "greeting": re.compile(
        r"(?:hi+|hey+|hello+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))" + _ADDRESS
        + r"(?:\s*,?\s*(?:how are you|how r u|how's it going|hows it going))?"),
    "thanks": re.compile(
        r"(?:(?:ok(?:ay)?|great|cool|nice|perfect|awesome|got it|that helps|that helped|makes sense)\s*,?\s*)?"
        r"(?:thanks+|thank you|thank u|thx|ty|tysm|cheers|much appreciated)"
        r"(?:\s+(?:so much|a lot|very much|a bunch|again|for (?:the|your) (?:help|explanation|answer)))*" + _ADDRESS
        + r"(?:\s*[,.!]*\s*(?:(?:this|that|it|you)(?: (?:really|so|very|super|have))? (?:helped|helps|was (?:very |really |"
        r"super |so )?(?:helpful|useful|clear)|makes? (?:so much |a lot of )?sense(?: now)?)(?: a lot)?))?"),
    "farewell": re.compile(r"(?:(?:ok(?:ay)?|thanks|thank you)\s*,?\s*)?(?:bye+|goodbye|good bye|see (?:you|ya)(?: later)?"
                           r"|cya|later|good ?night|that'?s all(?: for (?:now|today))?|i'?m done(?: for (?:now|today))?)"
                           + _ADDRESS),
    "capabilities": re.compile(
        r"(?:/help|help|help me|how do i use (?:this|you)|who are you|what are you"
        r"|what (?:can|do) you (?:do|teach(?: me)?|cover|know|help (?:me )?with)"
        r"|what (?:can|should) i (?:ask(?: you)?|learn(?: here)?)|where (?:do|should) i (?:start|begin)"
        r"|what(?: is|'s|s) (?:this|it)(?: all)? about|what(?: is|'s|s) (?:this|the) (?:tutor|" + _MATERIAL + r")"
        r"(?: all)? about"
        r"|what (?:are|r) (?:the )?(?:main |key |)(?:topics|subjects|sections)"
        r"(?: (?:covered|here|in (?:it|this|the " + _MATERIAL + r")))?"
        r"|what (?:topics|subjects|sections)"
        r"(?: are there| are covered| do you cover| does (?:it|this|the " + _MATERIAL + r") cover)?"
        r"|what (?:does|do) (?:it|this|the " + _MATERIAL + r") (?:cover|include|talk about)"
        r"|(?:list|show me) (?:the )?(?:topics|sections)|table of contents)" + _POLITE),
    # The learner on the lesson itself: stuck, tired, back. (A crisis is the safety screen's, which reads first.)
    "struggling": re.compile(
        r"(?:(?:ugh+|hmm+|honestly|tbh|omg|help)\s*,?\s*)?(?:i'?m (?:so |really |totally |completely |a bit |kind of )?"
        r"(?:confused|lost|stuck)(?: (?:right now|here|again|with (?:this|that|it)))?"
        r"|none of (?:this|it) makes (?:any )?sense(?: to me)?|(?:this|it) (?:makes no sense|does(?:n'?t| not) make "
        r"(?:any )?sense)(?: to me)?|i (?:don'?t|do not) (?:get|understand) (?:anything|any of (?:this|it))"
        r"|this is (?:so |really |too |very )?(?:hard|difficult|confusing|complicated)|i feel (?:so )?(?:dumb|stupid|slow)"
        r"|i'?m (?:so )?(?:bad|terrible|hopeless) at this)"),
    "pause": re.compile(
        r"(?:(?:ok(?:ay)?|i'?m (?:so |really )?(?:tired|exhausted|sleepy))\s*,?\s*)?(?:i need a break|brb|be right back"
        r"|(?:let'?s |can we |i'?ll |i'?m going to |gonna )?(?:take a break|stop (?:here|for (?:now|today|tonight))"
        r"|pause|call it a (?:day|night)|continue (?:later|tomorrow)|pick (?:this|it) up (?:later|tomorrow)))"),
    "resume": re.compile(r"(?:ok(?:ay)?\s*,?\s*)?(?:i'?m back|back again|let'?s (?:continue|keep going|go on|carry on|"
                         r"resume)|where (?:were we|did we (?:leave|stop)(?: off)?)|continue|keep going"
                         r"|(?:(?:can|could) we |let'?s |i (?:want|wanna|would like|'?d like) to )?(?:(?:go|get|come) )?back to "
                         rf"(?:the |my |our )?(?:{_MATERIAL}|learning|studying|topic|questions?)(?: now)?"
                         r"|(?:can|could) we (?:continue|keep going|go on|carry on)(?: (?:with )?(?:the |my )?"
                         rf"(?:{_MATERIAL}|learning|studying))?)" + _POLITE),
}
_EDGE = re.compile(r"^[\s\W_]+|[\s\W_]+$")
# Words a learner opens a message with before saying what they want ("hi! what can you teach me?", "ok thanks,
# quiz me on dissociation"): a greeting, an acknowledgement, thanks or a filler, each followed by a pause.
_OPENERS = re.compile(
    r"^(?:(?:hi+|hey+|hello+|hiya|howdy|yo|good (?:morning|afternoon|evening)|ok(?:ay)?|k|alright|all right|cool|"
    r"wait|sorry|actually|hold on|"
    r"great|nice|awesome|perfect|sure|yes|yeah|yep|got it|i see|makes sense|thanks+|thank you|thank u|thx|ty|cheers|"
    rf"um+|uh+|hmm+|so|well|oh)(?:\s+(?:{_ADDRESSEE}|so much|a lot))?"
    r"(?:\s*[,.!:;…]+\s*|\s+))+", re.I)
_ADDRESS_ONLY = re.compile(rf"\s*{_ADDRESSEE}[\s\W]*", re.I)


def strip_openers(message: str) -> str:
    """The message without the greetings, thanks and fillers it opens with (unchanged when nothing else is left)."""
    rest = _OPENERS.sub("", message.lstrip().replace("’", "'"), count=1)
    if not rest.strip() or _ADDRESS_ONLY.fullmatch(rest) or rest == message.lstrip().replace("’", "'"):
        return message
    return rest


def classify(message: str) -> SmallTalk | None:
    """The kind of small talk the whole message is, or None when it says anything more.

    After an opener, what follows decides ("hi! what can you teach me?" asks about the tutor)."""
    for said in dict.fromkeys((message, strip_openers(message))):
        text = _EDGE.sub("", said.lower().replace("’", "'"))
        text = re.sub(r"\s+", " ", text)
        if not text or len(text) > 80:
            continue
        for kind, pattern in _PATTERNS.items():
            if pattern.fullmatch(text):
                return kind
    return None


AFTER_CRISIS = ("The people and lines above are there whenever you need them, and it’s okay to reach out more than "
                "once.")
"""Said first when thanks, a greeting or a return to the lesson follows a crisis reply: the lesson can wait."""


def reply(kind: SmallTalk, topics: str, suggestions: Sequence[str] = (), after_crisis: bool = False) -> str:
    """What the tutor says back: who it is, what the material covers, and something to ask next.

    Right after a crisis reply, thanks or a return to the lesson is met gently first (`AFTER_CRISIS`)."""
    example = f" For example: “{suggestions[0]}”" if suggestions else ""
    if after_crisis and kind in ("thanks", "resume", "greeting"):
        return (f"{AFTER_CRISIS} Whenever you’re ready, we can go on: ask me anything about {topics}.{example}")
    if kind == "greeting":
        return (f"Hi! I’m your tutor for this course. I answer only from the course material and show the passages "
                f"I rely on. It covers: {topics}.{example} You can also say “quiz me” to test yourself.")
    if kind == "thanks":
        return f"You’re welcome! Ask me anything else about {topics}.{example} Or say “quiz me” to check what stuck."
    if kind == "farewell":
        return "Bye for now! Next time, “quiz me” is a quick way to see what stayed with you."
    if kind == "struggling":
        return ("That’s normal with new material; let’s take it in small steps. Ask me about one idea at a time"
                + (f" (for example: “{suggestions[0]}”)" if suggestions else "") + ", say “explain that more simply” "
                "after any answer, or “summarize” for the big picture first.")
    if kind == "pause":
        return ("Good idea, take a break. Your progress is kept; when you’re back, “my progress” shows where you left "
                "off and what to study next.")
    if kind == "resume":
        return (f"Welcome back! “My progress” shows where you left off, or ask me anything about {topics}.{example}")
    return ("I teach from the course material only, and every answer quotes the passages it rests on. I can:\n"
            f"- explain what the material covers: {topics};\n"
            "- summarize it, or one section of it (“summarize”, “overview of” a section), or list its key terms "
            "(“key terms”);\n"
            "- after an answer: “explain that more simply”, “give me an example”, or “tell me more”;\n"
            "- quiz you (“quiz me”, or “quiz me on” a section) and grade your answers against the material;\n"
            "- guide you with questions and hints before giving the answer (“/socratic on”);\n"
            "- show your progress and what to study next (“my progress”), or the lesson map (“lesson map”)."
            + (f"\n\nTry: “{suggestions[0]}”" if suggestions else ""))
