"""Issue #4, round 10: the twelfth set (two writers) becomes development data and the thirteenth stays blind; the
classes of set 12's misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

from tutor import safety, safety_report


def test_the_twelfth_set_is_development_data_as_two_writers_and_the_thirteenth_stays_blind():
    assert {"fresh12.yaml", "fresh12_second.yaml"} <= set(safety.TRAINING_FILES)
    assert not any(name.startswith("fresh13") for name in safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh12"])
    if "fresh13" in files:
        assert safety_report.is_blind(files["fresh13"])
    assert "fresh13" not in safety_report.fresh_sets()
    sets = safety_report.dev_sets()
    # Two people wrote set 12: leave one writer out holds each out on its own.
    assert {"fresh12", "fresh12_second"} <= set(sets)
    data = safety.DATA_DIR
    assert len(sets["fresh12"]) == len(safety.load_examples(data / "fresh12.yaml"))
    assert len(sets["fresh12_second"]) == len(safety.load_examples(data / "fresh12_second.yaml"))
