"""Helpers shared by every upload reader: file kinds and text decoding. Pure: no Flask."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files: .doc, .xls


class UploadError(ValueError):
    """The file as a whole cannot be read; the message is for the admin."""


def is_old_office(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def decode_text(data: bytes) -> str:
    """Decode a text upload without guessing wrong on short Chinese text.

    A BOM first, then strict UTF-8, then GB18030 (a superset of GBK and GB2312); a
    detector only as the last resort, since detectors misread short Chinese lines.
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UploadError("无法识别文件的文字编码，请用 UTF-8 或 GBK 编码保存后再上传。")
    return str(best)
