"""Issue #4, round 13: the fifteenth set (two writers) becomes development data and the sixteenth stays blind; the
classes of the older writers' misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

from tutor import safety, safety_report


def test_the_fifteenth_set_is_development_data_as_two_writers_and_the_sixteenth_stays_blind():
    assert {"fresh15.yaml", "fresh15_second.yaml"} <= set(safety.TRAINING_FILES)
    assert not any(name.startswith("fresh16") for name in safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh15"])
    if "fresh16" in files:
        assert safety_report.is_blind(files["fresh16"])
    assert "fresh16" not in safety_report.fresh_sets()
    sets = safety_report.dev_sets()
    # Two people wrote set 15: leave one writer out holds each out on its own.
    assert {"fresh15", "fresh15_second"} <= set(sets)
    data = safety.DATA_DIR
    assert len(sets["fresh15"]) == len(safety.load_examples(data / "fresh15.yaml"))
    assert len(sets["fresh15_second"]) == len(safety.load_examples(data / "fresh15_second.yaml"))
