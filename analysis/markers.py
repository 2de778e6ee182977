"""The generated blocks of a document: the text from a BEGIN marker to its END marker
(docs/validation.md holds four, written by scripts/make-calibrated, scripts/make-validation,
analysis/validation_effects.py and analysis/stationarity.py)."""
import os


class MarkersMissing(ValueError):
    """The document lacks the begin marker, or the end marker after it."""


def replace_between_markers(path, begin, end, block, name):
    """Rewrites the file at path with its text from `begin` through the first `end` after it
    replaced by block (which holds the markers itself); the rest is kept byte for byte. Written
    under a temporary name and renamed. Raises MarkersMissing ("PATH: the NAME markers are
    missing") and leaves the file as it was when either marker is absent."""
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    start = text.find(begin)
    stop = text.find(end, start + len(begin)) if start >= 0 else -1
    if stop < 0:
        raise MarkersMissing(f"{path}: the {name} markers are missing")
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text[:start] + block + text[stop + len(end):])
    os.replace(tmp, path)
