"""PDFs of printed records and of letters to families, when WeasyPrint is installed
(`pip install -e '.[pdf]'`).

WeasyPrint is optional because it needs Pango from the operating system. Without it the service
offers the HTML copy only, which every browser prints to PDF, and posts no letters itself.
"""

import asyncio
import importlib
import logging
import threading
from functools import lru_cache
from types import ModuleType

logger = logging.getLogger("cpc_observers.pdf")

# Pango and fontconfig are not promised to be thread-safe: one rendering at a time.
_RENDERING = threading.Lock()


@lru_cache(maxsize=1)
def _weasyprint() -> ModuleType | None:
    try:
        return importlib.import_module("weasyprint")
    except (ImportError, OSError) as error:
        # OSError: the package is there but the system's Pango is not.
        logger.info("PDF copies are off: %s", error)
        return None


def pdf_available() -> bool:
    """True when this server can make PDF copies."""
    return _weasyprint() is not None


def _refuse_every_url(url: str, *_args: object, **_kwargs: object) -> object:
    raise ValueError(f"A printed document fetches nothing, not even {url}.")


def _no_fetching(weasyprint: ModuleType) -> object:
    """A URL fetcher that allows no protocol at all, so rendering never touches the network."""
    fetcher = getattr(weasyprint.urls, "URLFetcher", None)
    return fetcher(allowed_protocols=()) if isinstance(fetcher, type) else _refuse_every_url


def _render(html: str) -> bytes:
    weasyprint = _weasyprint()
    assert weasyprint is not None
    with _RENDERING:
        document = weasyprint.HTML(string=html, url_fetcher=_no_fetching(weasyprint))
        # PDF/UA: a tagged PDF that screen readers can follow.
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf


async def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document, rendered off the event loop."""
    return await asyncio.to_thread(_render, html)
