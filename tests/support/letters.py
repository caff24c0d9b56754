"""Reading a letter's PDF as the post room and the family would: the words in the envelope's
window, the words of the whole letter, and where the square code on it leads."""

import pypdfium2 as pdfium
import zxingcpp

_POINTS_PER_MM = 72 / 25.4
# GOV.UK Notify's address area on an A4 letter, in millimetres from the top-left corner.
ADDRESS_AREA = {"left": 24.6, "top": 39.5, "right": 120.0, "bottom": 66.3}


def _document(pdf: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pdf)


def address_window_text(pdf: bytes) -> list[str]:
    """The lines printed inside the address area of the first page."""
    document = _document(pdf)
    try:
        page = document[0]
        _, height = page.get_size()
        text = page.get_textpage().get_text_bounded(
            left=ADDRESS_AREA["left"] * _POINTS_PER_MM,
            right=ADDRESS_AREA["right"] * _POINTS_PER_MM,
            top=height - ADDRESS_AREA["top"] * _POINTS_PER_MM,
            bottom=height - ADDRESS_AREA["bottom"] * _POINTS_PER_MM,
        )
    finally:
        document.close()
    return [line.strip() for line in text.splitlines() if line.strip()]


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's width and height, to the nearest millimetre."""
    document = _document(pdf)
    try:
        return [
            (round(w / _POINTS_PER_MM), round(h / _POINTS_PER_MM))
            for w, h in (document[i].get_size() for i in range(len(document)))
        ]
    finally:
        document.close()


def letter_text(pdf: bytes) -> str:
    """Every word of the letter, page after page, with lines joined by spaces."""
    document = _document(pdf)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    return " ".join(" ".join(page.split()) for page in pages)


def square_codes(pdf: bytes) -> list[str]:
    """What each QR code in the letter decodes to, as a phone's camera would read it."""
    document = _document(pdf)
    found: list[str] = []
    try:
        for index in range(len(document)):
            image = document[index].render(scale=3).to_pil()
            found += [code.text for code in zxingcpp.read_barcodes(image)]
    finally:
        document.close()
    return found
