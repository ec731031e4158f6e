"""Masking of ID and phone numbers: in the roster as stored and in anything a notice publishes. Pure.

A published notice is read by anyone; a citizen ID (身份证号) keeps only its last four
characters, a mobile number its first three and last four.
"""
import re

# 18-character citizen ID (17 digits and a digit or X), or the old 15-digit form
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    value = value.strip()
    return "*" * max(0, len(value) - 4) + value[-4:]


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)[-11:]
    return digits[:3] + "****" + digits[-4:] if len(digits) == 11 else "*" * len(value)


def mask_text(text: str) -> str:
    """The text with every ID number and mobile number in it masked."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text or "")
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
