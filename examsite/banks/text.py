"""Text folding for matching, and question fingerprints. Pure."""
import hashlib
import re

# One character for one, so a match in the folded copy slices the original at the same place.
# Not NFKC: that would also turn ① into 1 and change the text shown.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0xFFE3: 0x7E})
_NOT_CONTENT = re.compile(r"[\s_()（）\[\]【】.,，。、;；:：!！?？\"'“”‘’《》<>〈〉·\-—…]+")


# Characters that copy-paste leaves in a bank and nobody means: zero-width spaces and joiners,
# the byte-order mark, soft hyphens (removed); no-break and other odd spaces, tabs (a plain space).
_INVISIBLE = {code: None for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}
_INVISIBLE.update({code: 0x20 for code in (0x00A0, 0x202F, 0x2007, 0x2002, 0x2003, 0x2009, 0x0009)})
_HAS_INVISIBLE = re.compile("[" + "".join(chr(code) for code in _INVISIBLE) + "]")


def clean(text: str) -> str:
    """The text as it should be stored: invisible characters removed, odd spaces and tabs as
    plain spaces. Full-width characters are kept as typed."""
    if _HAS_INVISIBLE.search(text) is None:
        return text
    return text.translate(_INVISIBLE)


def clean_positions(text: str) -> tuple[str, list[int]]:
    """``clean(text)`` and, for each position of the original (and its end), the position it
    has in the cleaned text, so spans found on the original can be moved onto it."""
    cleaned, where = [], []
    for char in text:
        where.append(len(cleaned))
        replaced = _INVISIBLE.get(ord(char), ord(char))
        if replaced is not None:
            cleaned.append(chr(replaced))
    where.append(len(cleaned))
    return "".join(cleaned), where


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation as half-width; odd spaces as plain ones."""
    return text.translate(_FOLD)


def match_key(text: str) -> str:
    """The content of a text with width, case, spaces and punctuation ignored."""
    return _NOT_CONTENT.sub("", fold(text)).lower()


def fingerprint(stem: str, options: list[str]) -> str:
    """Same for questions that differ only in spacing, width or punctuation."""
    key = match_key(stem) + "|" + "|".join(match_key(option) for option in options)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def clip(text: str, size: int = 30) -> str:
    """The start of a long text, for quoting it in a message."""
    return text if len(text) <= size else text[:size] + "…"
