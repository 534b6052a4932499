"""Synthetic UNDP project documents with known answers.

`build_corpus(out_dir)` renders the corpus of `corpus.CORPUS` as PDFs and
writes their answer key (the dataset contract's CSVs) to `out_dir/gold`.
"""

from .corpus import CORPUS, Entry, build_corpus, render, render_corpus
from .gold import Rendered

__all__ = ["CORPUS", "Entry", "Rendered", "build_corpus", "render", "render_corpus"]
