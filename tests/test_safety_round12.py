"""Issue #4, round 12: the fourteenth set (two writers) becomes development data and the fifteenth stays blind; the
classes of the older writers' misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

from tutor import safety, safety_report


def test_the_fourteenth_set_is_development_data_as_two_writers_and_the_fifteenth_stays_blind():
    assert {"fresh14.yaml", "fresh14_second.yaml"} <= set(safety.TRAINING_FILES)
    assert not any(name.startswith("fresh15") for name in safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh14"])
    if "fresh15" in files:
        assert safety_report.is_blind(files["fresh15"])
    assert "fresh15" not in safety_report.fresh_sets()
    sets = safety_report.dev_sets()
    # Two people wrote set 14: leave one writer out holds each out on its own.
    assert {"fresh14", "fresh14_second"} <= set(sets)
    data = safety.DATA_DIR
    assert len(sets["fresh14"]) == len(safety.load_examples(data / "fresh14.yaml"))
    assert len(sets["fresh14_second"]) == len(safety.load_examples(data / "fresh14_second.yaml"))
