"""Chat commands and Socratic mode: what `Tutor.stream` hands over once the safety guard passed a message.

Commands: "quiz me [on <topic>]" or "/quiz [topic]", "stop quiz", "/socratic on|off", "show me the answer",
"another hint", "/progress" ("what should I study next?"), "/lessons". While a quiz waits for an
answer, the next message is graded as the answer (a message phrased as a question is answered as one
instead, and the quiz keeps waiting). In Socratic mode a question gets a guiding question and hints
drawn from the passages the answer would cite; the cited answer is shown after the learner tries
(the attempt is graded first) or asks for it. A bare command (`fixed_command`) is the one message the
safety guard does not screen: it has no words of the learner's own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tutor.quiz import BLANK, item_from_passage, key_points, terms_in, with_context
from tutor.rephrase import asks_example, asks_more, asks_simpler, cited_sentences, continuation, glossary
from tutor.rephrase import compose as rephrase
from tutor.smalltalk import strip_openers
from tutor.text import content_stems, stem
from tutor.types import ReplyKind, TutorReply

if TYPE_CHECKING:
    from tutor.tutoring import Tutoring

_END = r"\s*[.!]*\s*$"
QUIZ = re.compile(r"^\s*(?:/quiz|(?:(?:can|could|would|will) you\s+)?(?:please\s+)?(?:quiz|test)\s+me|give me a quiz"
                  r"|(?:i (?:want|wanna|would like|['’]d like)|let['’]?s (?:do|have|try)|(?:can|could|may) i (?:have|take|get|do))"
                  r" (?:a|another) quiz)"
                  r"(?:\s+(?:on|about)?\s*(?!(?:please|pls)\b)(?P<scope>[^?]+?))?(?:\s*,?\s*(?:please|pls))?\s*[.!?]*\s*$",
                  re.I)
SOCRATIC = re.compile(r"^\s*(?:/socratic\s+|(?:turn\s+)?socratic(?:\s+mode)?\s+)(?P<state>on|off)" + _END, re.I)
_SKIP = r"skip(?:\s+(?:it|this|this one|(?:this\s+)?question))?|pass|next(?:\s+(?:one|question))?"
# "Next question please" names nothing of the learner's: with or without a quiz, it is a command.
SKIP = re.compile(rf"^\s*(?:{_SKIP})(?:\s*,?\s*(?:please|pls|plz))?" + _END, re.I)
REVEAL = re.compile(r"^\s*(?:/answer|/reveal|(?:please\s+)?show(?:\s+me)?(?:\s+the)?\s+answer|reveal(?:\s+the\s+answer)?|"
                    r"(?:(?:ok(?:ay)?|please|just|can you|could you)[\s,]+)*(?:tell me|give me the answer|"
                    r"tell me the answer)(?:\s+(?:please|already))?|what(?:['’]?s| is) the (?:right |correct )?answer\??|"
                    rf"(?:i\s+)?give up|{_SKIP})(?:\s*,?\s*(?:please|pls|plz))?" + _END, re.I)
# "I don't know" for an answer: in a quiz the answer is shown and the next question follows; in a Socratic round it
# asks for a hint first. Only the whole message counts ("i don't know why it blocks NMDA" is an answer or a question).
DONT_KNOW = re.compile(r"^\s*(?:(?:i\s+)?(?:(?:really|honestly|just)\s+)?(?:don['’]?t|do not|dont)\s+know"
                       r"(?:\s+(?:this|that|this one|that one|the answer))?|idk|dunno|(?:i\s+)?(?:have\s+)?no (?:idea|clue)|"
                       r"(?:i['’]?m\s+)?not sure|(?:i\s+)?can['’]?t remember|i forgot)"
                       r"(?:\s*,?\s*(?:sorry|lol|haha))?\s*[.!?]*\s*$", re.I)
HINT = re.compile(r"^\s*(?:/hint|(?:another|a|one more|more)\s+hints?|hint|give me (?:another |a )?hint)" + _END, re.I)
STOP = re.compile(r"^\s*(?:/stop|(?:stop|end|quit|exit)(?:\s+the)?\s+quiz)" + _END, re.I)
# While a quiz question or a Socratic round waits, a bare "stop" or "i'm done" ends it: it was graded as an answer.
STOP_WAITING = re.compile(r"^\s*(?:(?:ok(?:ay)?|please)[\s,]+)?(?:stop(?: (?:it|this|now|here|the questions|asking))?|quit|"
                          r"exit|end(?: it| this)?|enough|that['’]?s enough|(?:i['’]?m |i am |we['’]?re )?done|no more|"
                          r"let['’]?s stop|(?:can|could) we stop)(?:\s*,?\s*(?:please|pls|thanks|thank you))?" + _END, re.I)
PROGRESS = re.compile(r"^\s*(?:/progress|/next|(?:(?:show|see|check|view)(?:\s+me)?\s+)?(?:my\s+)?progress(?:\s+so far)?|"
                      r"(?:what(?:['’]?s| is)|how(?:['’]?s| is))\s+my\s+(?:progress|mastery)(?:\s+so far)?|"
                      r"how(?:['’]m| am) i doing(?:\s+so far)?|how did i do(?:\s+(?:on|in) (?:the|that|this) quiz)?|"
                      r"what(?:['’]?s| is| are)\s+my\s+(?:score|results?|grades?)|my (?:score|results|grades)|"
                      r"what should i (?:study|learn|do|read|review|work on) (?:next|first|now)|"
                      r"(?:what|where) (?:should|do|can) i (?:start|begin)(?: with)?|"
                      r"what(?:['’]?s| is) the (?:first|next) thing (?:i should|to) (?:learn|study|know|read|review))"
                      r"\s*[.!?]*\s*$", re.I)
# "Can I try again?": the current quiz question or Socratic round again, else the last quiz's scope anew. Bare, it
# once got the crisis reply (the classifier knows "try again" from attempts).
RETRY = re.compile(r"^\s*(?:(?:can|could|may) (?:i|we) |let me |let['’]?s |i (?:want|wanna|would like|['’]d like) to )?"
                   r"(?:(?:try|do|take|redo|retake)(?: (?:it|that|this|the quiz|this quiz|the question|this question|"
                   r"a quiz))? again|again|retry|redo(?: the quiz| this quiz| it)?|retake(?: the quiz| this quiz| it)?|"
                   r"one more (?:time|go|try|round))(?: please)?\s*[.!?]*\s*$", re.I)
# "Can you repeat that?": the last answer again, as it was.
REPEAT = re.compile(r"^\s*(?:(?:can|could|would) you\s+)?(?:please\s+)?(?:repeat(?: (?:that|it|this|the (?:last )?answer|"
                    r"yourself|what you (?:just )?said))?|(?:say|explain) (?:that|it|this) again|come again)"
                    r"(?:\s*,?\s*(?:please|pls))?\s*[.!?]*\s*$", re.I)
LESSONS = re.compile(r"^\s*(?:/lessons|(?:show\s+)?(?:the\s+)?lesson map)" + _END, re.I)
# "… for my exam": why the learner asks, no part of what they ask for.
_FOR_AN_EXAM = (r"(?:\s+for (?:my|the|an?|our|this|tomorrow['’]s|the next) (?:exam|test|quiz|class|course|midterm|final|"
                r"essay|assignment|presentation)s?(?: tomorrow| next week)?)?")
# "What are the key terms I need to know?", "glossary": the terms the material explains, with its explanations.
GLOSSARY = re.compile(r"^\s*(?:/glossary|(?:show |give |list )?(?:me )?(?:the |a )?glossary|"
                      r"(?:(?:what|which) (?:are|r) |(?:show|give|tell|list)(?: me)? )?(?:the )?(?:key|important|main|"
                      r"basic) (?:terms|words|concepts|vocabulary|definitions)(?: (?:i|we) (?:need|have|should|must)"
                      r"(?: to)? (?:know|learn|remember))?|(?:what|which) (?:terms|words|vocabulary) (?:do|should|must) "
                      r"(?:i|we) (?:need to |have to )?(?:know|learn))" + _FOR_AN_EXAM + r"\s*[.!?]*\s*$", re.I)
# "Summarize what we talked about", "what have we covered so far?": this conversation's answers, not the material's.
RECAP = re.compile(r"^\s*(?:/recap|(?:can you |could you |please )?(?:summari[sz]e|sum up|recap|review|go over)"
                   r"(?: for me)? (?:what (?:we|i|you)(?: have|['’]ve)? (?:talked about|discussed|covered|went over|"
                   r"learned|learnt|said)|(?:our|this|the) (?:conversation|chat|session|discussion)(?: so far)?)"
                   r"|(?:a |the )?recap(?: of (?:our|this|the) (?:conversation|chat|session|discussion))?"
                   r"|what (?:have|did) (?:we|i) (?:talked about|talk about|covered?|discuss(?:ed)?|learn(?:ed|t)?|"
                   r"go over|gone over|went over)|what we (?:talked about|covered|discussed|learned))"
                   r"(?:\s+(?:so far|today|until now|up to now))?(?:\s*,?\s*(?:please|pls))?\s*[.!?]*\s*$", re.I)
MAX_RECAP = 8
"""How many of the conversation's latest answers a recap goes over (a longer list stops being a recap)."""
# "… of the article? keep it short": how to say it, no part of what to summarize.
_BRIEFLY = r"(?:\s*[.!?,]?\s*(?:(?:and |but )?keep it (?:short|brief|simple)|briefly|in short|quickly))?"
SUMMARY = re.compile(r"^\s*(?:/summary|(?:can you |could you |please )?(?:summari[sz]e|sum up|sum (?:it|this|everything) up)"
                     r"(?: (?:it|this|everything))?"
                     r"|(?:give me |i want |can i (?:have|get) )?(?:a |an )?(?:summary|overview|recap)|tl;? ?dr)"
                     r"(?:\s+(?:of|on|about|for)?\s*(?:the |this )?(?!(?:please|pls|for me)\b)(?P<scope>[^?.!]+?))?"
                     r"(?:\s+(?:please|for me))?" + _BRIEFLY + r"\s*[.!?]*\s*$", re.I)
# "Give me the key points", "what's the main thing to take away from this article?": a summary too. Its scope must
# follow "of"/"in"/"from" ("the main thing ketamine does" asks about ketamine, not for a section's summary).
MAIN_POINTS = re.compile(r"^\s*(?:(?:(?:what|which)(?:\s+(?:are|were|is|was)|['’]re|['’]?s)\s+|(?:give|tell|show) me |list )?"
                         r"the (?:(?:two|three|four|five|[2-5]|few|couple of) )?"
                         r"(?:(?:key|main|big|biggest|most important|central) (?:points?|ideas?|takeaways?|things?|"
                         r"messages?|lessons?|facts?)|takeaways?|gist|bottom line|big picture)"
                         r"(?: (?:i|we) (?:should|need to|have to) (?:know|remember|learn|take away|get))?"
                         r"(?: to (?:know|remember|take away))?"
                         r"|what (?:should|do|must) (?:i|we) (?:need to |have to )?(?:remember|take away)(?: most)?)"
                         r"(?:\s+(?:of|in|from|about|on)\s+(?:the |this )?(?P<scope>[^?.!]+?)|\s+here)?"
                         r"(?:\s+(?:please|for me))?" + _FOR_AN_EXAM + _BRIEFLY + r"\s*[.!?]*\s*$", re.I)
_WHOLE = re.compile(r"^(?:all|everything|it|me|article|material|text|course|reading|lesson|whole (?:thing|article|"
                    r"material|text))$", re.I)
# A message ending in "?" during a quiz or a Socratic round is a new question only when it is phrased as one; a
# guess said with a rising tone ("because it blocks inhibitory neurons?", "glutamate?", "is it because …?") is
# the learner's answer.
_NEW_QUESTION = re.compile(r"^\s*(?:what|what's|whats|why|how|when|where|which|who|whose|can|could|does|do|did|is|are|"
                           r"was|were|will|would|should|has|have|tell me|explain|describe|define)\b", re.I)
_GUESS = re.compile(r"^\s*(?:is|was|could|would|does|do)\s+(?:it|that|this)\s+(?:be\s+)?(?:because|that|due to|"
                    r"related to|(?:have|has) (?:something )?to do with)\b", re.I)


def asks_new_question(message: str) -> bool:
    """Whether a message sent while an answer is awaited asks something new rather than answering."""
    return message.rstrip().endswith("?") and bool(_NEW_QUESTION.match(message)) and not _GUESS.match(message)


def fixed_command(message: str, pending: bool, after_crisis: bool = False) -> bool:
    """Whether the message is a command with no words of the learner's own ("my progress", "hint" mid-quiz).

    Such a message carries no request or distress to screen, and a two-word command can look like despair
    to the safety classifier ("my progress", "i give up" for the answer). A quiz with a topic is not fixed:
    its topic is the learner's words. Right after a crisis reply, "can I try again?" is for the screen to read with
    that turn."""
    message = strip_openers(message)
    if RETRY.match(message):
        return not after_crisis
    if SKIP.match(message) or REPEAT.match(message):
        return True
    quiz = QUIZ.match(message)
    summary = SUMMARY.match(message) or MAIN_POINTS.match(message)
    if (SOCRATIC.match(message) or LESSONS.match(message) or GLOSSARY.match(message) or PROGRESS.match(message)
            or RECAP.match(message) or (quiz and not quiz["scope"])
            or (summary and (not summary["scope"] or _WHOLE.match(summary["scope"].strip())))):
        return True
    return pending and bool(STOP.match(message) or STOP_WAITING.match(message) or HINT.match(message)
                            or REVEAL.match(message) or DONT_KNOW.match(message) or asks_simpler(message))


# "Quiz me on that": the topic is what the last answer quoted.
_THAT = re.compile(r"^(?:that|this|it|these|those|th(?:is|at|ese) (?:topic|section|part|stuff|bit|one)s?)$", re.I)
# "quiz me again", "quiz me once more": another quiz on what the last one covered.
_AGAIN = re.compile(r"^(?:again|once more|one more time|some more|more)$", re.I)


def _last_quoted(t: "Tutoring", session_id: str) -> list:
    """The (chunk, sentence) pairs the session's last answer quoted.

    A question declined since ("what's the opposite?") is passed over: "give me an example" after it still means the
    answer before. A crisis or safety reply since ends the thread."""
    for turn in reversed(t.tutor.sessions.history(session_id, 4)):
        if turn.reply_kind == "answer":
            return cited_sentences(turn.cited_spans, t.tutor.chunks)
        if turn.reply_kind in ("crisis", "safety"):
            break
    return []


def _last_section(t: "Tutoring", session_id: str) -> str:
    """The section the last answer in this session quoted first ("all" when there is none)."""
    cited = _last_quoted(t, session_id)
    return cited[0][0].section if cited else "all"


def _reply(message: str, session_id: str, text: str, citations=(), suggestions=(), standalone: str = "",
           kind: ReplyKind = "answer") -> TutorReply:
    return TutorReply(kind=kind, answer=text, citations=list(citations), session_id=session_id, question=message,
                      standalone_question=standalone, suggestions=list(suggestions), backend="tutoring")


def _choices(item) -> list[str]:
    return list(item.options) if item.kind in ("multiple_choice", "true_false") else []


def handle_message(t: "Tutoring", message: str, session_id: str) -> TutorReply | None:
    """The tutoring reply to a message, or None when the tutor should answer it normally."""
    from tutor.tutoring import item_text

    said = strip_openers(message)  # "ok, quiz me on BDNF": commands are matched on what follows an opener
    m = SOCRATIC.match(said)
    if m:
        on = m.group("state").lower() == "on"
        t.set_socratic(session_id, on)
        text = ("Socratic mode is on: I’ll answer questions with a guiding question and hints first; say "
                "“show me the answer” any time." if on else "Socratic mode is off: I’ll answer questions directly.")
        return _reply(message, session_id, text)
    pending = t.pending(session_id)
    m = QUIZ.match(said)
    if m:
        scope = (m.group("scope") or "").strip()
        if _AGAIN.match(scope):
            last = t.last_quiz(session_id)
            scope = last.scope if last else ""
        return _start_quiz(t, message, session_id, _last_section(t, session_id) if _THAT.match(scope) else scope)
    if RECAP.match(said):
        return _recap(t, message, session_id)
    m = SUMMARY.match(said) or MAIN_POINTS.match(said)
    if m:
        scope = (m.group("scope") or "").strip()
        if _THAT.match(scope):  # "summarize that": the section the last answer quoted (the whole material cold)
            text, citations = t.summary(_last_section(t, session_id))
            return _reply(message, session_id, text, citations, ["Quiz me"])
        section = t.lessons().section(scope, by_title=True) if scope and not _WHOLE.match(scope) else None
        if scope and not (section or _WHOLE.match(scope)):
            return None  # not a section ("summarize the effects on memory", "… the plot of Hamlet"): asked as a question
        text, citations = t.summary(section.title if section else "all")
        return _reply(message, session_id, text, citations, ["Quiz me"])
    if LESSONS.match(said):
        lines = [f"{s.title}:\n" + "\n".join(f"  • {o.text}" for o in s.objectives) for s in t.lessons().sections]
        return _reply(message, session_id, "What this material teaches:\n\n" + "\n\n".join(lines))
    # "i have an exam tomorrow on this. what are the key terms i need to know?": the request closes the message.
    if GLOSSARY.match(said) or GLOSSARY.match(re.split(r"(?<=[.!?])\s+", said.strip())[-1]):
        text, citations = glossary(t.tutor.chunks)
        return _reply(message, session_id, text or "The material explains no terms of its own that I can list.",
                      citations, ["Quiz me"])
    if PROGRESS.match(said):
        return _reply(message, session_id, progress_text(t, session_id), suggestions=["Quiz me"])
    if RETRY.match(said) or (pending and REPEAT.match(said)):  # mid-quiz, "repeat that" wants the question again
        return _retry(t, message, session_id, pending)
    if REPEAT.match(said):
        return _repeat(t, message, session_id)
    if pending and pending.get("type") == "quiz":
        if STOP.match(said) or STOP_WAITING.match(said):
            t.set_pending(session_id, None)
            return _reply(message, session_id, "Quiz stopped. Say “quiz me” to start another.", suggestions=["Quiz me"])
        if asks_simpler(said):  # "huh?", "what?", "i don't understand": the question again, not an answer to grade
            return _retry(t, message, session_id, pending)
        if asks_new_question(said) and not REVEAL.match(said):
            return None  # a question in the middle of a quiz is answered; the quiz waits
        result = t.answer(pending["quiz_id"], None, "" if REVEAL.match(said) or DONT_KNOW.match(said) else said)
        quiz, _ = t.quiz(pending["quiz_id"])
        text, cites = _feedback(result.grade)
        if result.finished:
            t.set_pending(session_id, None)
            labels = [g.label for g in t.answered(quiz.quiz_id).values()]
            # Words, not "n points": a number before a unit reads like an amount to the output check.
            text += (f"\n\nQuiz finished: {labels.count('correct')} right, {labels.count('partly')} partly right, "
                     f"out of {len(quiz.items)} questions.\n\n" + progress_text(t, session_id))
            return _reply(message, session_id, text, cites, ["Quiz me"])
        nxt = result.next_item
        assert nxt is not None
        text += "\n\n" + item_text(nxt, result.answered + 1, len(quiz.items))
        return _reply(message, session_id, text, cites, _choices(nxt))
    if pending and pending.get("type") == "socratic":
        # "I don't get it" or "no idea" mid-round wants a hint, not a grade
        if HINT.match(said) or asks_simpler(said) or DONT_KNOW.match(said):
            return _next_hint(t, message, session_id, pending)
        if STOP.match(said) or STOP_WAITING.match(said):
            t.set_pending(session_id, None)
            return _reply(message, session_id, "OK, we’ll leave that one. Ask me anything about the material, or say "
                          "“quiz me” to test yourself.", suggestions=["Quiz me"])
        if REVEAL.match(said):
            t.set_pending(session_id, None)
            reply = TutorReply.model_validate(pending["reply"])
            return reply.model_copy(update={"session_id": session_id, "question": message, "backend": "tutoring"})
        if not asks_new_question(said):
            return _grade_attempt(t, message, session_id, pending)
        t.set_pending(session_id, None)  # a new question: leave the old one
    if not pending and STOP.match(said):
        return _reply(message, session_id, "There’s no quiz running right now. Say “quiz me” to start one.",
                      suggestions=["Quiz me"], kind="out_of_scope")
    if not pending and REVEAL.match(said):  # "just tell me" after the answer was shown, or before any question
        return _reply(message, session_id, "There’s no question waiting for an answer right now. Ask me something "
                      "about the material, or say “quiz me” to test yourself.", suggestions=["Quiz me"],
                      kind="out_of_scope")
    if not pending and (asks_simpler(said) or asks_example(said)):
        return _rephrase(t, message, session_id)
    if not pending and asks_more(said):
        return _continue(t, message, session_id)
    if t.socratic(session_id):
        return _socratic_turn(t, message, session_id)
    return None


def _repeat(t: "Tutoring", message: str, session_id: str) -> TutorReply | None:
    """The session's last answer again, with its citations; None (asked as usual) when it cannot be rebuilt."""
    from tutor.lessons import sentence_citation

    last = (t.tutor.sessions.history(session_id, 1) or [None])[-1]
    if last is None or last.reply_kind != "answer" or not last.cited_spans:
        return _reply(message, session_id, "There’s nothing to repeat yet. Ask me something about the material, or "
                      "say “quiz me” to test yourself.", suggestions=["Quiz me"], kind="out_of_scope")
    quoted = cited_sentences(last.cited_spans, t.tutor.chunks)
    if len(quoted) != len(last.cited_spans):  # cited passages, not sentences (a generative answer): ask it again
        return None
    citations = [sentence_citation(chunk, sentence, marker=n) for n, (chunk, sentence) in enumerate(quoted, 1)]
    return _reply(message, session_id, last.answer, citations, standalone=last.standalone_question)


def _recap(t: "Tutoring", message: str, session_id: str) -> TutorReply:
    """The conversation so far: each question the tutor answered from the material, with the sentence it led with."""
    from tutor.lessons import sentence_citation

    answered = [turn for turn in t.tutor.sessions.history(session_id)
                if turn.reply_kind == "answer" and turn.standalone_question and turn.cited_spans]
    lines: list[str] = []
    citations = []
    for turn in answered[-MAX_RECAP:]:
        quoted = cited_sentences(turn.cited_spans, t.tutor.chunks)
        if not quoted:  # cited passages, not sentences (a generative answer): nothing exact to quote
            continue
        # The quoted sentence naming most of what was asked ("One of these is … (BDNF) …" for "what is BDNF?"),
        # not the one before it that it leans on; the first on a tie.
        asked = set(content_stems(turn.standalone_question))
        chunk, sentence = max(quoted, key=lambda pair: len(asked & set(content_stems(pair[1].text))))
        citations.append(sentence_citation(chunk, sentence, marker=len(citations) + 1))
        lines.append(f"• You asked “{turn.question.strip()}” — {sentence.text} [{len(citations)}]")
    if not lines:
        return _reply(message, session_id, "We haven’t gone over anything from the material yet. Ask me a question, "
                      "say “summary” for the material in brief, or “quiz me” to test yourself.",
                      suggestions=["Summary", "Quiz me"], kind="out_of_scope")
    text = "What we went over so far, each with the passage of the material it rests on:\n\n" + "\n".join(lines)
    return _reply(message, session_id, text, citations, ["Quiz me on that", "Summary"])


def _retry(t: "Tutoring", message: str, session_id: str, pending: dict | None) -> TutorReply:
    """The question that waits, shown again; else a new quiz on what the last one covered."""
    from tutor.tutoring import item_text

    if pending and pending.get("type") == "quiz":
        quiz, _ = t.quiz(pending["quiz_id"])
        done = t.answered(quiz.quiz_id)
        item = next(i for i in quiz.items if i.item_id not in done)
        return _reply(message, session_id, "Here it is again.\n\n" + item_text(item, len(done) + 1, len(quiz.items)),
                      suggestions=_choices(item))
    if pending and pending.get("type") == "socratic":
        return _reply(message, session_id, f"Go ahead: how would you answer “{pending['question']}”? Say “another "
                                           "hint” if you’d like one, or “show me the answer”.")
    last = t.last_quiz(session_id)
    if last is None:
        return _reply(message, session_id, "There’s nothing to try again yet. Say “quiz me” to start a quiz, or ask "
                      "me something about the material.", suggestions=["Quiz me"], kind="out_of_scope")
    return _start_quiz(t, message, session_id, last.scope)


def _continue(t: "Tutoring", message: str, session_id: str) -> TutorReply | None:
    """What the material says after the last answer's quotes; None with no answer yet ("continue" is then a
    learner coming back, for the usual path)."""
    cited = _last_quoted(t, session_id)
    if not cited:
        return None
    text, citations = continuation(cited, t.tutor.chunks)
    if text:
        return _reply(message, session_id, text, citations, ["Quiz me on that"])
    return _reply(message, session_id, "That’s where the material ends, so I have nothing more to quote. Ask me about "
                  "another part of it, or say “quiz me” to test yourself.", kind="not_in_material")


def _rephrase(t: "Tutoring", message: str, session_id: str) -> TutorReply:
    """The last answer's terms as the material explains them, or its examples (tutor/rephrase.py)."""
    cited = _last_quoted(t, session_id)
    if not cited:
        return _reply(message, session_id, "Ask me something about the material first; then I can show you how it "
                      "explains its terms, or the examples it gives.", kind="out_of_scope")
    said = strip_openers(message)
    text, citations = rephrase(said, cited, t.tutor.chunks)
    if text:
        return _reply(message, session_id, text, citations)
    what = "a plainer explanation of" if asks_simpler(said) else "an example of"
    return _reply(message, session_id, f"The material doesn’t give {what} what I just quoted, so I won’t make one up. "
                  "Ask me about any word in it, or say “quiz me” to test yourself.", kind="not_in_material")


def _feedback(grade) -> tuple[str, list]:
    from tutor.tutoring import cited

    label = {"correct": "✓ Correct.", "partly": "◐ Partly right.", "incorrect": "✗ Not quite."}[grade.label]
    if "no attempt" in grade.reasons:  # a skip or "I don't know" is no wrong answer to mark
        label = "Skipped."
    body = grade.feedback
    for lead in ("Correct — ", "Not quite — ", "Partly right. "):
        if body.startswith(lead):
            body = body[len(lead):]
    body = body[:1].upper() + body[1:]
    return cited(f"{label} {body}", grade.citation)


def _start_quiz(t: "Tutoring", message: str, session_id: str, scope: str) -> TutorReply:
    from tutor.tutoring import item_text

    note = ""
    title = t.section_for(scope) if scope and scope.lower() not in ("all", "everything") else None
    if scope and scope.lower() not in ("all", "everything") and title is None:
        note = f"I couldn’t find “{scope}” in the material, so this quiz covers everything. "
    quiz = t.start_quiz(session_id, title or "all")
    if not quiz.items:
        return _reply(message, session_id, "I couldn’t make quiz questions from this material.")
    t.set_pending(session_id, {"type": "quiz", "quiz_id": quiz.quiz_id})
    where = "the whole material" if quiz.scope == "all" else f"“{quiz.scope}”"
    text = (f"{note}A quiz on {where}: {len(quiz.items)} questions, each checked against the material. "
            "Say “stop quiz” to end it.\n\n" + item_text(quiz.items[0], 1, len(quiz.items)))
    return _reply(message, session_id, text, suggestions=_choices(quiz.items[0]))


def progress_text(t: "Tutoring", learner: str) -> str:
    """Mastery summary and what to study next."""
    p = t.progress(learner)
    practised = [o for o in p.objectives if o.attempts]
    right = sum(o.correct for o in practised)
    tried = sum(o.attempts for o in practised)
    # Mastery moves slowly: "Mastered 0 of 18" alone hid the answers already given.
    lines = [f"Mastered {p.mastered} of {p.total} objectives."
             + (f" Practised {len(practised)} so far, with {right} of {tried} answers right." if practised else
                " None practised yet: say “quiz me” to start.")]
    if p.next:
        lines.append("Study next:")
        lines.extend(f"  • {o.text} ({o.section}; {mastery_word(o.p_known, o.attempts)})" for o in p.next)
    return "\n".join(lines)


def mastery_word(p_known: float, attempts: int) -> str:
    """A mastery estimate in words (numbers next to a drug's name read like amounts)."""
    if not attempts:
        return "not practised yet"
    return "mastered" if p_known >= 0.95 else "well known" if p_known >= 0.7 else "partly known" \
        if p_known >= 0.4 else "not yet known"


# -- Socratic ----------------------------------------------------------------------------------------------

def _focus(question: str, reply: TutorReply):
    """The cited passage closest to the question (most shared content words; the first on a tie)."""
    asked = set(content_stems(question))
    return max(reply.citations, key=lambda c: (len(asked & set(content_stems(c.text))), -c.marker))


def hints(question: str, reply: TutorReply) -> list[str]:
    """Hints from the passages an answer cites: where to look, the key words, then a sentence to complete."""
    if not reply.citations:
        return []
    focus = _focus(question, reply)
    out = [f"Look at what the material says in “{focus.section}”."]
    words = _as_written(focus.text, key_points(focus.text, question, limit=4), standalone=True)[:3]
    if words:
        out.append("Think about how these fit in: " + ", ".join(words) + ".")
    asked = set(content_stems(question))
    blanks = [(s, e, w) for s, e, w in terms_in(focus.text) if stem(w.split()[-1].lower()) not in asked]
    if not blanks and words:  # no technical term: blank the rarest key word instead
        m = re.search(r"\b" + re.escape(words[0]) + r"\b", focus.text, re.I)
        blanks = [(m.start(), m.end(), m.group(0))] if m else []
    if blanks:
        s, e, _ = blanks[0]
        out.append(f"Complete this sentence from the material: “{focus.text[:s]}{BLANK}{focus.text[e:]}”")
    return out


def _as_written(text: str, found: list[str], standalone: bool = False) -> list[str]:
    """Key words as the passage writes them ("BDNF", not the matcher's "bdnf"); with `standalone`, without words
    that only occur inside a hyphenated name ("derived" of "Brain-Derived"), which make poor hints."""
    out = []
    for w in found:
        m = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.I)
        if m or not standalone:
            out.append(m.group(0) if m else w)
    return out


def guiding_question(question: str, reply: TutorReply) -> str:
    """The question that turns the learner's question back to them."""
    q = question.strip().rstrip("?.! ")
    return f"Before I show you the passage: how would you answer “{q}” yourself, in a sentence or two?"


def _socratic_turn(t: "Tutoring", message: str, session_id: str) -> TutorReply:
    inner: TutorReply | None = None
    # The full answer is composed in a side session, so this session never shows it before the learner tries.
    for item in t.tutor.stream(message, f"{session_id}-socratic", tutoring=False):
        if isinstance(item, TutorReply):
            inner = item
    assert inner is not None
    if inner.kind != "answer" or not inner.citations:
        return inner.model_copy(update={"session_id": session_id})
    tips = hints(message, inner)
    t.set_pending(session_id, {"type": "socratic", "question": message, "reply": inner.model_dump(mode="json"),
                               "hints": tips, "shown": 1})
    text = guiding_question(message, inner)
    if tips:
        text += f"\n\nHint: {tips[0]}"
    text += "\n\nTry an answer — or say “another hint” or “show me the answer”."
    return _reply(message, session_id, text, suggestions=["Another hint", "Show me the answer"],
                  standalone=inner.standalone_question)


def _next_hint(t: "Tutoring", message: str, session_id: str, pending: dict) -> TutorReply:
    tips, shown = pending.get("hints", []), int(pending.get("shown", 0))
    if shown >= len(tips):
        return _reply(message, session_id, "That was my last hint. Have a try, or say “show me the answer”.",
                      suggestions=["Show me the answer"])
    t.set_pending(session_id, {**pending, "shown": shown + 1})
    more = ["Another hint"] if shown + 1 < len(tips) else []
    return _reply(message, session_id, f"Hint {shown + 1}: {tips[shown]}", suggestions=[*more, "Show me the answer"])


def _left_out(reply: TutorReply, missing: list[str]) -> str:
    """Where the quoted answer says what a partly right attempt left out ("… is in [4] and [5] below").

    Pointing at the passages teaches more than a list of their words ("medication's, underlie"), which reads as
    a bag of keywords and is no sentence of the material."""
    wanted = {stem(w) for p in missing for w in content_stems(p)} | {stem(p.lower()) for p in missing}
    markers = [f"[{c.marker}]" for c in reply.citations if wanted & set(content_stems(c.text))]
    if not markers:
        return ""
    if len(markers) == len(reply.citations):
        return " Compare it with the passages below: your answer says part of what they say."
    where = markers[0] if len(markers) == 1 else ", ".join(markers[:-1]) + " and " + markers[-1]
    return f" What your answer leaves out is in {where} below."


def _grade_attempt(t: "Tutoring", message: str, session_id: str, pending: dict) -> TutorReply:
    t.set_pending(session_id, None)
    reply = TutorReply.model_validate(pending["reply"])
    item = item_from_passage(pending["question"], with_context(reply.citations, t.tutor.chunks))
    grade = t.grader.grade(item, message)
    label = {"correct": "✓ That’s right.", "partly": "◐ Partly right.", "incorrect": "✗ Not quite."}[grade.label]
    missing = _left_out(reply, grade.missing) if grade.label == "partly" else ""
    text = f"{label}{missing}\n\n{reply.answer}"
    return reply.model_copy(update={"answer": text, "session_id": session_id, "question": message,
                                    "backend": "tutoring", "suggestions": reply.suggestions})
