"""Helpers shared by every upload reader: file kinds and text decoding. Pure: no Flask."""

#: how much of a text upload the encoding detector looks at
DETECT_BYTES = 256 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files: .doc, .xls
#: what a scanned or photographed paper (a signed 汇总表, a sick note) may be: its file name
#: extensions (the first one is given to files saved under a name of examsite's), first bytes, type
SCANNED_KINDS = (
    (("pdf",), b"%PDF-", "application/pdf"),
    (("jpg", "jpeg"), b"\xff\xd8\xff", "image/jpeg"),
    (("png",), b"\x89PNG\r\n\x1a\n", "image/png"),
)


class UploadError(ValueError):
    """The file as a whole cannot be read; the message is for the admin."""


def scanned_kind(head: bytes) -> tuple[str, str] | None:
    """(type, extension) of a PDF, JPEG or PNG told by its first bytes; None for anything else."""
    for extensions, magic, mimetype in SCANNED_KINDS:
        if head.startswith(magic):
            return mimetype, extensions[0]
    return None


def is_old_office(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def decode_text(data: bytes) -> str:
    """Decode a text upload without guessing wrong on short Chinese text.

    A BOM first, then strict UTF-8, then GB18030 (a superset of GBK and GB2312); a
    detector only as the last resort, since detectors misread short Chinese lines.
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise UploadError(f"文件开头标明是 {encoding.upper()} 编码，但内容不是（第 {error.start + len(bom)} "
                                  f"字节起无法读取），请用 UTF-8 或 GBK 编码重新保存后再上传。") from error
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:DETECT_BYTES]).best()  # a sample: the detector is slow on megabytes
    if best is not None:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            best = None
    if best is None:
        raise UploadError("无法识别文件的文字编码，请用 UTF-8 或 GBK 编码保存后再上传。")
