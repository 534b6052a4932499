"""Print a spec in the template of its generation."""

from __future__ import annotations

from ..document import Block
from ..layout import Layout
from ..spec import ProjectDocument
from . import gen2007, gen2009, gen2016

COMPOSERS = {"2007": gen2007.compose, "2009": gen2009.compose, "2016": gen2016.compose}


def compose(spec: ProjectDocument, layout: Layout) -> list[Block]:
    return COMPOSERS[spec.generation](spec, layout)
