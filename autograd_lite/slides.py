"""``from autograd_lite.slides import write_slides`` keeps working: the deck lives in ``play``.

>>> from autograd_lite.slides import write_slides
>>> from autograd_lite.play import slides
>>> write_slides is slides.write_slides
True
"""

from .play.slides import DEFAULT_TITLE, slides_html, write_slides

__all__ = ["DEFAULT_TITLE", "slides_html", "write_slides"]
