"""Issue #4, round 14: the sixteenth set (two writers) becomes development data and the seventeenth stays blind; the
classes of the older writers' misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

from tutor import safety, safety_report


def test_the_sixteenth_set_is_development_data_as_two_writers_and_the_seventeenth_stays_blind():
    assert {"fresh16.yaml", "fresh16_second.yaml"} <= set(safety.TRAINING_FILES)
    assert not any(name.startswith("fresh17") for name in safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh16"])
    if "fresh17" in files:
        assert safety_report.is_blind(files["fresh17"])
    assert "fresh17" not in safety_report.fresh_sets()
    sets = safety_report.dev_sets()
    # Two people wrote set 16: leave one writer out holds each out on its own.
    assert {"fresh16", "fresh16_second"} <= set(sets)
    data = safety.DATA_DIR
    assert len(sets["fresh16"]) == len(safety.load_examples(data / "fresh16.yaml"))
    assert len(sets["fresh16_second"]) == len(safety.load_examples(data / "fresh16_second.yaml"))
