"""Drift of text columns: descriptors, vocabulary and a classifier on the words; with the
``[text]`` extra, their meaning too (``text_drift(..., embeddings=True)``, :func:`embed_texts`).

>>> import random
>>> rng = random.Random(0)
>>> cats = ["the cat sat on the mat", "a cat and a dog", "my cat sleeps all day"]
>>> cars = ["the engine roars loudly", "a fast car on the road", "my car needs new tyres"]
>>> before = [rng.choice(cats) for _ in range(300)]
>>> after = [rng.choice(cats + cars) for _ in range(300)]
>>> result = text_drift(before, after)
>>> result.drifted, result.vocabulary.grown[0].note
(True, 'new')
"""

from driftscope.multivariate.text.drift import DescriptorDrift, TextDrift, text_drift
from driftscope.multivariate.text.embed import embed_texts
from driftscope.multivariate.text.vocabulary import TermShift, VocabularyDrift

__all__ = [
    "DescriptorDrift",
    "TermShift",
    "TextDrift",
    "VocabularyDrift",
    "embed_texts",
    "text_drift",
]
