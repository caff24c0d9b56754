"""Responses compressed with Brotli or gzip, whichever the browser asks for.

A family's first visit is mostly the page and its stylesheet; compressed, both fit a phone on a
slow connection and a pay-as-you-go allowance. starlette-compress compresses only text types it
knows (HTML, CSS, JavaScript, JSON, plain text such as /metrics), so PDFs and CSV downloads pass
through as they are; it leaves range requests and 304s alone and flushes each Server-Sent event.

BREACH (guessing a secret in a page from the size of its compressed form) needs a secret and
text an attacker chooses in the same response. The secrets in pages are CSRF values, and every
page gets its own random masking of them (`service.web.http.csrf.masked`), so no two responses
share the secret's bytes for an attacker to grow a match against. Consent tokens are never
written into a page: the consent form posts back to its own address.
"""

from fastapi import FastAPI
from starlette_compress import CompressMiddleware

# Below this, the headers Brotli or gzip add outweigh what they save.
MINIMUM_COMPRESSED_BYTES = 500

# Quality 5 is where Brotli stops getting much smaller for a page of this size but keeps getting
# slower; gzip at 6 is the common default for the same reason.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6


def compress_responses(app: FastAPI) -> None:
    """Compress the app's text responses for browsers that accept Brotli or gzip."""
    app.add_middleware(
        CompressMiddleware,
        minimum_size=MINIMUM_COMPRESSED_BYTES,
        # Brotli's built-in dictionary of web words makes short HTML pages smaller than
        # Zstandard does; every browser that speaks Zstandard speaks Brotli too.
        zstd=False,
        brotli_quality=BROTLI_QUALITY,
        gzip_level=GZIP_LEVEL,
    )
