"""Issue #4, round 11: the thirteenth set (two writers) becomes development data and the fourteenth stays blind; the
classes of set 13's misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

from tutor import safety, safety_report


def test_the_thirteenth_set_is_development_data_as_two_writers_and_the_fourteenth_stays_blind():
    assert {"fresh13.yaml", "fresh13_second.yaml"} <= set(safety.TRAINING_FILES)
    assert not any(name.startswith("fresh14") for name in safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh13"])
    if "fresh14" in files:
        assert safety_report.is_blind(files["fresh14"])
    assert "fresh14" not in safety_report.fresh_sets()
    sets = safety_report.dev_sets()
    # Two people wrote set 13: leave one writer out holds each out on its own.
    assert {"fresh13", "fresh13_second"} <= set(sets)
    data = safety.DATA_DIR
    assert len(sets["fresh13"]) == len(safety.load_examples(data / "fresh13.yaml"))
    assert len(sets["fresh13_second"]) == len(safety.load_examples(data / "fresh13_second.yaml"))
