"""Cells of a roster as people type them, folded into the forms examsite compares. Pure.

Excel sheets kept by hand carry full-width letters and digits, spaces inside names
(张　三), line breaks in headers (工号\\n（必填）) and several look-alike middle dots in
minority names (阿依古丽·买买提).
"""
import re
import unicodedata

from ..headers import header_key  # noqa: F401 (the roster's name for it)
from ..masking import mask_id_number

_SPACES = re.compile(r"[\s\u3000\u00a0]+")
# the middle dot of a transliterated name and the characters typed for it
_DOTS = re.compile(r"\s*[·・•‧･∙⋅●.．。]\s*")
# the levels of a path written with /, \, -, — or >; failing those, with spaces
_PATH_SEPARATORS = re.compile(r"\s*(?:[/\\>]|[-—–]+)\s*")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
MASKED_ID = re.compile(r"^\*+[0-9X]{4}$")


def squash(text: str) -> str:
    """Full-width forms folded (ＡＢ１ → AB1) and every space removed: the key two spellings
    of one unit, header or 工号 share."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def person_name(text: str) -> str:
    """'张　三' → '张三'; '阿依古丽 • 买买提' → '阿依古丽·买买提'."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    parts = [part for part in _DOTS.split(folded) if part]
    return "·".join(_SPACES.sub("", part) for part in parts)


def unit_parts(text: str) -> tuple[str, ...]:
    """'城关镇/党政办', '城关镇 党政办', '区纪委监委-第一纪检监察室' → the levels of the path.

    Spaces separate levels only when no other separator is used (see ``spaced_path``); the
    unit resolver joins such words back when their join is the name of a unit (党 政办).
    """
    parts = _explicit_parts(text)
    return tuple(part for part in (_SPACES.split(parts[0]) if len(parts) == 1 else parts) if part)


def spaced_path(text: str) -> bool:
    """Whether the levels of this cell, if any, are told apart by spaces alone."""
    return len(_explicit_parts(text)) == 1


def _explicit_parts(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text or "").strip()
    return [part.strip() for part in _PATH_SEPARATORS.split(folded) if part.strip()] or [""]


def check_id_number(text: str) -> tuple[str | None, str | None]:
    """(the number masked but for its last four characters, a problem in Chinese or None).

    An already masked value (from an export of examsite) passes as it is.
    """
    value = squash(text).upper()
    if MASKED_ID.match(value):
        return value, None
    if len(value) == 15 and value.isdigit():
        return None, "身份证号是旧的 15 位号码，请改为 18 位"
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return None, f"身份证号应为 18 位（最后一位可以是 X），这里是 {len(value)} 位"
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != value[17]:
        if value.endswith("000"):  # Excel keeps 15 digits of a number: the last three become 0
            return None, ("身份证号校验位不对，且最后三位是 000：很可能被 Excel 当作数字保存过，只留下了前 15 位。"
                          "请把这一列的单元格格式设为“文本”后重新填写或粘贴")
        return None, "身份证号校验位不对，可能有数字输错"
    return mask_id_number(value), None
