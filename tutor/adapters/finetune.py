"""Fine-tuning the sentence encoder for the safety classifier: a plain torch loop, offline and seeded.

sentence-transformers' own trainer needs `datasets` and `accelerate`, which are not dependencies here, so the
encoder is trained directly: mean-pooled MiniLM with a linear head and class-balanced cross-entropy.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tutor.adapters.embeddings import resolve_model_path


class FineTunedEncoder:
    """A sentence encoder fine-tuned on labelled messages; `encode` gives normalised vectors like the stock model."""

    def __init__(self, model):
        self.model = model

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Normalised sentence embeddings, one row per text."""
        import torch

        self.model.eval()
        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                features = self.model.preprocess(list(texts[i:i + batch_size]))
                out.append(self.model(features)["sentence_embedding"].float().numpy())
        if not out:
            return np.zeros((0, self.model.get_embedding_dimension()), dtype=np.float32)
        return np.concatenate(out)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def save(self, path: Path) -> None:
        """Store the encoder as a sentence-transformers folder."""
        self.model.save(str(path))

    @classmethod
    def load(cls, path: Path, threads: int | None = None) -> FineTunedEncoder:
        """An encoder stored by `save`."""
        import torch
        from sentence_transformers import SentenceTransformer

        if threads is not None:
            torch.set_num_threads(threads)
        return cls(SentenceTransformer(str(path), device="cpu"))


def fine_tune(model_name: str, texts: Sequence[str], labels: Sequence[int], *, epochs: int = 1, max_len: int = 64,
              batch_size: int = 32, learning_rate: float = 3e-5, seed: int = 0, threads: int | None = None,
              class_weights: Sequence[float] | None = None, train_layers: int | None = None) -> FineTunedEncoder:
    """Fine-tune the encoder with a linear head and class-balanced cross-entropy; deterministic.

    `train_layers` trains only the top transformer layers (None: all layers and the word embeddings).
    """
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    if threads is not None:
        torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    model = SentenceTransformer(str(resolve_model_path(model_name)), device="cpu")
    model.max_seq_length = max_len
    if train_layers is not None:
        # The lower layers stay frozen: the backward pass stops at the trained ones, which is most of the cost.
        bert = model[0].auto_model
        for param in bert.parameters():
            param.requires_grad_(False)
        for layer in bert.encoder.layer[-train_layers:] if train_layers else []:
            for param in layer.parameters():
                param.requires_grad_(True)
    y = np.asarray(labels)
    k = int(y.max()) + 1
    counts = np.bincount(y, minlength=k).astype(float)
    weights = len(y) / (k * np.maximum(counts, 1))
    if class_weights is not None:
        weights = weights * np.asarray(class_weights, dtype=float)
    head = torch.nn.Linear(model.get_embedding_dimension(), k)
    params = [q for q in model.parameters() if q.requires_grad] + list(head.parameters())
    optimiser = torch.optim.AdamW(params, lr=learning_rate, weight_decay=0.01)
    steps = epochs * ((len(texts) + batch_size - 1) // batch_size)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
    order = np.random.RandomState(seed)
    model.train()
    for _ in range(epochs):
        for batch in np.array_split(order.permutation(len(texts)), steps // epochs):
            features = model.preprocess([texts[i] for i in batch])
            # Normalised embeddings times a temperature: the head sees what the downstream classifier sees.
            emb = model(features)["sentence_embedding"]
            loss = loss_fn(head(emb * 20.0), torch.tensor(y[batch], dtype=torch.long))
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
    model.eval()
    return FineTunedEncoder(model)
