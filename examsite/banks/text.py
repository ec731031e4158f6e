"""Text folding for matching, and question fingerprints. Pure."""
import hashlib
import re

# One character for one, so a match in the folded copy slices the original at the same place.
# Not NFKC: that would also turn ① into 1 and change the text shown.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0xFFE3: 0x7E})
_NOT_CONTENT = re.compile(r"[\s_()（）\[\]【】.,，。、;；:：!！?？\"'“”‘’《》<>〈〉·\-—…]+")


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
