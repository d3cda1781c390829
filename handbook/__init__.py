"""The engine of the executable handbook: runs every code block of every chapter.

Nouns, used the same way in code, docs and errors: a *Chapter* (one page, ``docs/<slug>.md``)
has *Blocks*; a *Directive* says what a block is; a *ChapterRun* owns the page's *Workspace*,
*Terminal*, *Services* and *Database*; the *Report* says when and how each chapter was proved.
"""

__all__: list[str] = []
