"""Sentence embeddings of texts, computed on this machine from a model that ships inside a
package: WordLlama's ``l2_supercat`` at 256 dimensions (MIT; its 16 MB of weights and its
tokenizer are files of the ``wordllama`` wheel, which the ``[text]`` extra installs). Nothing
is downloaded, at install or at run time, beyond the wheel itself.

The model is a table of token vectors, trained so that the mean of a text's token vectors
places texts of like meaning close together (it has no attention: word order is not seen). A
text's vector is that mean, as WordLlama's own ``embed`` computes it, scaled to length 1:
the length of a mean of token vectors says more about how many tokens were averaged than
about meaning, and the text test already tests lengths; on unit vectors the Euclidean
distance of an embedding test follows the cosine similarity the model was trained for.

Why the files are opened here rather than with ``WordLlama.load()``: wordllama 0.4's loader
looks for the bundled tokenizer in ``wordllama/tokenizer/`` while the wheel ships it in
``wordllama/tokenizers/``, so it fetches the tokenizer from Hugging Face (and fails offline);
and importing ``wordllama`` configures the root logger. Only the package's data files are
read: the package is found with :func:`importlib.util.find_spec`, never imported.
"""

from __future__ import annotations

import importlib.util
import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError, InputError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL = "wordllama l2_supercat"
DIMENSIONS = 256
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
BATCH = 10_000
"""Distinct texts tokenized at a time (bounds the memory of the tokenizer's results)."""
NO_EXTRA = (
    "computing text embeddings needs WordLlama's model, which driftscope does not install by "
    "default: pip install 'driftscope[text]'"
)


@dataclass(frozen=True, slots=True)
class _Model:
    tokenizer: Tokenizer
    vectors: NDArray[np.float32]
    """One row per token id."""


_lock = threading.Lock()
_loaded: list[_Model] = []


def model_files() -> tuple[Path, Path]:
    """The bundled weights and tokenizer files; a ConfigError saying what to install when the
    ``[text]`` extra is absent."""
    try:
        spec = importlib.util.find_spec("wordllama")
    except (ImportError, ValueError):  # blocked, or a stub without a spec
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(NO_EXTRA)
    root = Path(next(iter(spec.submodule_search_locations)))
    weights, tokenizer = root / WEIGHTS, root / TOKENIZER
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ConfigError(
                f"the installed wordllama has no {path.relative_to(root)} (its wheel ships the "
                "model's files); reinstall it: pip install 'driftscope[text]'"
            )
    return weights, tokenizer


def _model() -> _Model:
    """The model, loaded once per process (about 0.3 s; 32 MB in memory)."""
    with _lock:
        if not _loaded:
            weights, tokenizer_file = model_files()
            try:
                from safetensors.numpy import load_file
                from tokenizers import Tokenizer
            except ImportError:
                raise ConfigError(NO_EXTRA) from None
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            table = load_file(str(weights))["embedding.weight"]
            _loaded.append(_Model(tokenizer, np.ascontiguousarray(table, dtype=np.float32)))
        return _loaded[0]


def embed_texts(texts: Sequence[str | None], *, column: str | None = None) -> NDArray[np.float32]:
    """The sentence embeddings of ``texts``: one row of :data:`DIMENSIONS` float32 numbers per
    text, of length 1 (a text without tokens, such as ``""``, is the zero vector), and a row
    of NaN for a missing text (None), so rows stay aligned with ``texts``.

    The same text always gets the same vector, whatever else is embedded with it; each
    distinct text is tokenized once. ``column`` names the texts in error messages. Raises a
    ConfigError when the ``[text]`` extra is not installed and an InputError for a value that
    is not a string.

    >>> import pytest; _ = pytest.importorskip("wordllama")  # the [text] extra
    >>> rows = embed_texts(["The cat sat on the mat.", "A kitten slept on the rug.",
    ...                     "Quarterly revenue rose by four percent.", None])
    >>> rows.shape, rows.dtype
    ((4, 256), dtype('float32'))
    >>> cats, revenue = float(rows[0] @ rows[1]), float(rows[0] @ rows[2])
    >>> cats > revenue  # cosine similarity: the cat is nearer the kitten than the revenue
    True
    >>> bool(np.isnan(rows[3]).all())
    True
    """
    name = "texts" if column is None else f"text column {column!r}"
    distinct: dict[str, int] = {}
    row_of = np.full(len(texts), -1, dtype=np.int64)
    for row, text in enumerate(texts):
        if text is None:
            continue
        if not isinstance(text, str):
            kind = "bytes (not decoded text)" if isinstance(text, bytes) else type(text).__name__
            raise InputError(
                f"{name}: row {row} holds {kind}; embeddings are computed from strings"
            )
        row_of[row] = distinct.setdefault(text, len(distinct))
    model = _model()
    unique = list(distinct)
    vectors = np.empty((len(unique), model.vectors.shape[1]), dtype=np.float32)
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        vectors[start : start + len(batch)] = _mean_vectors(model, batch)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    out = np.full((len(texts), model.vectors.shape[1]), np.nan, dtype=np.float32)
    present = row_of >= 0
    out[present] = vectors[row_of[present]]
    return out


def _mean_vectors(model: _Model, texts: list[str]) -> NDArray[np.float32]:
    """Each text's mean token vector (zero without tokens), as a sparse count matrix times the
    token table: no padding to the longest text, so one long text costs only its tokens."""
    from scipy.sparse import csr_matrix

    encoded = model.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
    ids = [e.ids for e in encoded]
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=lengths.sum())
    # As WordLlama's embed: an id past the table (none in this model's tokenizer) is clipped.
    np.clip(flat, 0, model.vectors.shape[0] - 1, out=flat)
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    counts = csr_matrix(
        (np.ones(flat.size, dtype=np.float32), flat, indptr),
        shape=(len(texts), model.vectors.shape[0]),
    )
    sums = np.asarray(counts @ model.vectors, dtype=np.float32)
    return sums / np.maximum(lengths, 1).astype(np.float32)[:, None]
