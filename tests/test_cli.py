"""The `tutor` command: one clear line and exit code 2 for every user error, JSON and text output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tutor.cli import main

TUTOR = Path(sys.executable).parent / "tutor"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUTOR_CORPUS_DIR", str(CORPUS))
    for var in ("TUTOR_CHROMA_HOST", "TUTOR_AUTO_INGEST"):
        monkeypatch.delenv(var, raising=False)


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("question,message", [("", "empty"), ("   ", "empty"), ("w" * 4001, "4,001 characters")])
def test_bad_questions_exit_2_with_one_line(capsys, question, message):
    code, out, err = run_main(capsys, "ask", question)
    assert code == 2 and out == ""
    assert err.startswith("error:") and message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_corpus(capsys, tmp_path):
    code, _, err = run_main(capsys, "--corpus", str(tmp_path / "missing"), "ask", "What is BDNF?")
    assert code == 2 and "Corpus folder not found" in err and err.count("\n") == 1


def test_empty_corpus(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run_main(capsys, "--corpus", str(tmp_path / "empty"), "ask", "What is BDNF?")
    assert code == 2 and "No readable documents" in err


def test_missing_index_when_auto_ingest_is_off(capsys, monkeypatch):
    monkeypatch.setenv("TUTOR_AUTO_INGEST", "false")
    code, _, err = run_main(capsys, "ask", "What is BDNF?")
    assert code == 2 and "tutor ingest" in err


def test_unreachable_chroma_server(capsys, monkeypatch):
    monkeypatch.setenv("TUTOR_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("TUTOR_CHROMA_PORT", "9")  # discard port: nothing answers HTTP there
    code, _, err = run_main(capsys, "ask", "What is BDNF?")
    assert code == 2 and "Cannot reach the Chroma server at 127.0.0.1:9" in err


def test_invalid_setting(capsys, monkeypatch):
    monkeypatch.setenv("TUTOR_TOP_K", "zero")
    code, _, err = run_main(capsys, "ask", "What is BDNF?")
    assert code == 2 and "top_k" in err


def test_settings_lists_every_environment_variable(capsys):
    from tutor.config import Settings

    code, out, _ = run_main(capsys, "settings")
    assert code == 0
    for name in Settings.model_fields:
        assert f"TUTOR_{name.upper()}" in out


def test_ingest_then_ask_as_a_real_process(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "article.md").write_text(CORPUS.joinpath("ketamine-and-the-brain.md").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    env = {**os.environ, "TUTOR_CORPUS_DIR": str(corpus), "HF_HUB_OFFLINE": "1"}
    ingest = subprocess.run([str(TUTOR), "ingest"], capture_output=True, text=True, env=env, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    assert "warning: skipped broken.txt" in ingest.stderr and "added" in ingest.stdout

    asked = subprocess.run([str(TUTOR), "ask", "What does BDNF do?", "--json", "--session", "cli"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert reply["kind"] == "answer" and reply["session_id"] == "cli"
    text = (corpus / "article.md").read_text(encoding="utf-8")
    assert reply["citations"] and all(text[c["start"]:c["end"]] == c["text"] for c in reply["citations"])

    plain = subprocess.run([str(TUTOR), "ask", "Where is that effect prominent?", "--session", "cli"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert plain.returncode == 0 and "Sources:" in plain.stdout and "prefrontal cortex" in plain.stdout


def test_readme_lists_every_setting():
    from tests.conftest import REPO
    from tutor.config import Settings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [f"TUTOR_{n.upper()}" for n in Settings.model_fields if f"`TUTOR_{n.upper()}`" not in readme]
    assert not missing, f"README settings table lacks {missing}"
