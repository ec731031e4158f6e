"""Guards for uploaded Office files (.docx, .xlsx), shared by every upload reader. Pure: no Flask.

An upload within the size limit can still be hostile: a zip whose members inflate to gigabytes,
a sheet that claims a million rows, a shared-strings table of millions of entries, XML nested
thousands deep, a DTD with entities that expand to gigabytes (billion laughs) or that point
at files on the server (XXE). Everything here refuses such a file with a Chinese message
(an ``UploadError``) after bounded work:

* ``SafeZip`` checks the member count and each member's declared uncompressed size before
  reading anything, and stops reading a member that inflates past its declared size.
* ``elements`` and ``check_xml`` read XML with lxml hardened: a DTD (entities, billion laughs,
  XXE) is refused before parsing, nothing is resolved or fetched, nesting stops at 256.
* ``check_package`` runs both over every XML part of a package, before python-docx reads it.
* ``read_xlsx`` streams the cells of a workbook's sheets row by row, stopping at a row and
  column limit (the sheet's ``<dimension>`` is never trusted), with its own bounded
  shared-strings reader. It notes the rows Excel hides (a filter, or hidden by hand) and, when
  asked, gives a number as Excel shows it under a zero-padding format (工号 1234 shown as 001234).
"""
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from .uploads import UploadError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. The defaults keep one upload within about 300 MB and 20 s."""

    members: int = 2000                 # files inside the zip
    member_bytes: int = 64 * MiB        # one member, uncompressed (document.xml, a sheet)
    total_bytes: int = 160 * MiB        # all members together, uncompressed
    rows: int = 200_000                 # rows holding a value, per sheet
    columns: int = 200                  # columns read per row
    shared_strings: int = 500_000       # entries in an .xlsx's shared-strings table
    shared_chars: int = 10_000_000      # characters in it, all entries together
    cell_chars: int = 32_767            # one cell (Excel's own limit)
    merged: int = 100_000               # merged ranges noted per sheet


DEFAULT = Limits()


def _kind_error(kind: str) -> str:
    if kind == "Excel":
        return "文件无法作为 Excel（.xlsx）打开，可能已损坏或并非表格文件。"
    return "文件无法作为 Word（.docx）打开，可能已损坏或并非 Word 文件。"


# ---- zip ----------------------------------------------------------------------------------

class SafeZip:
    """A zip archive whose sizes were checked before anything was inflated."""

    def __init__(self, data: bytes, kind: str = "Word", limits: Limits = DEFAULT):
        self.kind, self.limits = kind, limits
        broken = _kind_error(kind)
        stream = io.BytesIO(data)
        try:
            end = zipfile._EndRecData(stream)  # the end record, read before the directory it describes
        except (OSError, ValueError, EOFError, zipfile.BadZipFile):
            end = None
        if not end:
            raise UploadError(broken)
        if end[zipfile._ECD_ENTRIES_TOTAL] > limits.members or end[zipfile._ECD_SIZE] > limits.members * 1200:
            raise UploadError(f"{broken}（压缩包内有超过 {limits.members} 个文件）")
        try:
            self.zip = zipfile.ZipFile(stream)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                NotImplementedError, UnicodeDecodeError) as error:
            raise UploadError(broken) from error
        if len(infos) > limits.members:
            raise UploadError(f"{broken}（压缩包内有超过 {limits.members} 个文件）")
        total = 0
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.flag_bits & 0x1:
                raise UploadError(f"文件设置了密码（已加密），请在 {kind} 中取消密码后再上传。")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UploadError(broken)
            if info.file_size > limits.member_bytes:
                raise UploadError(self._too_big())
            total += info.file_size
            self.infos.setdefault(info.filename, info)
        if total > limits.total_bytes:
            raise UploadError(self._too_big())

    def _too_big(self) -> str:
        return (f"文件解压后超过 {self.limits.total_bytes // MiB} MB（或其中一部分超过 "
                f"{self.limits.member_bytes // MiB} MB），不像正常的 {self.kind} 文件，没有读取。"
                f"如确是很大的文件，请拆分成几个文件后分别上传。")

    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        """A member's bytes, read in chunks and never past its declared size."""
        info = self.infos.get(name)
        if info is None:
            raise UploadError(_kind_error(self.kind))
        chunks, size = [], 0
        try:
            with self.zip.open(info) as member:
                while True:
                    chunk = member.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > info.file_size or size > self.limits.member_bytes:
                        raise UploadError(self._too_big())
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as error:
            if isinstance(error, UploadError):
                raise
            raise UploadError(_kind_error(self.kind)) from error
        return b"".join(chunks)


# ---- XML ----------------------------------------------------------------------------------

#: lxml as hardened as it goes: no entities resolved, no DTD loaded, no network, and libxml2's
#: own limits kept (without huge_tree: no deeper than 256, no text node over 10 MB)
PARSER_OPTIONS = dict(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                      remove_comments=True, remove_pis=True, encoding="utf-8")
XML_DEPTH = 256


def _screen(data: bytes, kind: str) -> None:
    """Refuse a DTD (entities, XXE) and XML that is not UTF-8, before any parser sees it.

    Office writes its parts in UTF-8; read as UTF-8 (the parsers are told so), "<!DOCTYPE" and
    "<!ENTITY" cannot hide, and outside comments and CDATA they cannot be anything but a DTD.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:256]:
        raise UploadError(f"{_kind_error(kind)}（其中的 XML 不是 UTF-8 编码）")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UploadError(f"{_kind_error(kind)}（文件中含有 DTD 或实体定义，为安全起见不予读取）")


def _xml_error(error, kind: str) -> UploadError:
    if "depth" in str(error).lower():
        return UploadError(f"{_kind_error(kind)}（XML 嵌套超过 {XML_DEPTH} 层）")
    return UploadError(_kind_error(kind))


def elements(data: bytes, tags, kind: str = "Excel"):
    """Each element whose local name is in ``tags``, complete, in document order. Once the
    caller is done with it, it is cleared and the siblings before it are dropped, so a long
    document is read in bounded memory. Any XML problem, or a DTD, becomes an UploadError."""
    from lxml import etree

    _screen(data, kind)
    wanted = [f"{{*}}{tag}" for tag in ((tags,) if isinstance(tags, str) else tags)]
    wanted += list((tags,) if isinstance(tags, str) else tags)  # and without a namespace
    try:
        for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag=wanted, **PARSER_OPTIONS):
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.LxmlError as error:
        raise _xml_error(error, kind) from error


def check_xml(data: bytes, kind: str = "Word") -> None:
    """Parse an XML document through once, as the hardened parser does; raise UploadError if
    it is unsafe or broken."""
    from lxml import etree

    _screen(data, kind)
    try:
        etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))
    except (etree.LxmlError, ValueError) as error:
        raise _xml_error(error, kind) from error


def check_package(data: bytes, kind: str = "Word", limits: Limits = DEFAULT) -> SafeZip:
    """Check an Office package before a library reads it: sizes, then every XML part."""
    package = SafeZip(data, kind, limits)
    types = _content_types(package, kind, limits)
    for name in package.names():
        if name.endswith("/"):
            continue
        content_type = types(name)
        if name.endswith((".xml", ".rels")) or ("xml" in content_type and not content_type.startswith("image/")):
            check_xml(package.read(name), kind)
    return package


def _content_types(package: SafeZip, kind: str, limits: Limits):
    defaults, overrides = {}, {}
    if package.has("[Content_Types].xml"):
        for element in elements(package.read("[Content_Types].xml"), ("Default", "Override"), kind):
            tag = _local(element.tag)
            if tag == "Default":
                defaults[(element.get("Extension") or "").lower()] = (element.get("ContentType") or "").lower()
            elif tag == "Override":
                overrides[(element.get("PartName") or "").lstrip("/")] = (element.get("ContentType") or "").lower()

    def content_type(name: str) -> str:
        return overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
    return content_type


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # comments' and PIs' tags are not str


# ---- .xlsx --------------------------------------------------------------------------------

REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")


@dataclass
class XlsxSheet:
    name: str
    rows: object  # iterator of (row number, [values]): only rows holding a value
    #: numbers of the rows yielded so far that Excel hides (hidden="1": filtered out, or hidden
    #: by hand); a row is added before it is yielded, and ``rows`` yields hidden rows too
    hidden: set = field(default_factory=set)
    #: whether the sheet has an AutoFilter (known once ``rows`` is exhausted)
    filtered: bool = False
    #: its merged ranges as (first row, first column, last row, last column), 1-based (known once
    #: ``rows`` is exhausted: Excel writes them after the cells); the value is in the first cell
    merged: list = field(default_factory=list)
    #: "visible", or "hidden" / "veryHidden" for a sheet Excel does not show
    state: str = "visible"


class Shown(str):
    """A number cell as Excel shows it under its number format: 1234 under ``000000`` is
    '001234'. ``number`` is the value stored in the file."""

    number: int | float

    def __new__(cls, text: str, number):
        shown = super().__new__(cls, text)
        shown.number = number
        return shown


def read_xlsx(data: bytes, limits: Limits = DEFAULT, first_only: bool = False,
              shown: bool = False) -> list[XlsxSheet]:
    """The worksheets of a workbook, each with a lazy iterator of its rows.

    Values are as openpyxl gives them with ``data_only``: str, int, float, bool, datetime or
    None. With ``shown``, a whole number whose cell format pads it with zeros or adds fixed
    text (``000000``, ``"GH"0000``) is a ``Shown`` string as Excel displays it. A sheet with
    more than ``limits.rows`` rows holding a value, or a value past column ``limits.columns``,
    raises UploadError when the iterator reaches it.
    """
    package = SafeZip(data, "Excel", limits)
    book_path = _office_document(package)
    book_rels = _relationships(package, book_path)
    sheets, date1904 = [], False
    for element in elements(package.read(book_path), ("sheet", "workbookPr")):
        tag = _local(element.tag)
        if tag == "sheet":
            sheets.append((element.get("name") or "", element.get(REL_NS + "id"), element.get("state") or "visible"))
        elif tag == "workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
    strings: list[str] = []
    dates: set[int] = set()
    padded: dict[int, tuple[str, int, str]] = {}
    for rel_type, target in book_rels.values():
        if rel_type.endswith("/sharedStrings") and package.has(target):
            strings = _shared_strings(package.read(target), limits)
        elif rel_type.endswith("/styles") and package.has(target):
            dates, padded = _number_styles(package.read(target))
    if not shown:
        padded = {}
    found = []
    for name, rel_id, state in sheets:
        rel_type, target = book_rels.get(rel_id, ("", ""))
        if not rel_type.endswith("/worksheet"):
            continue  # a chart sheet, or a dangling reference
        if not package.has(target):
            raise UploadError(_kind_error("Excel"))
        sheet = XlsxSheet(name, None, state=state)
        sheet.rows = _sheet_rows(package, target, sheet, strings, dates, padded, date1904, limits)
        found.append(sheet)
        if first_only:
            break
    if not found:
        raise UploadError(_kind_error("Excel"))
    return found


def _office_document(package: SafeZip) -> str:
    for rel_type, target in _relationships(package, "").values():
        if rel_type.endswith("/officeDocument"):
            if package.has(target):
                return target
    if package.has("xl/workbook.xml"):
        return "xl/workbook.xml"
    raise UploadError(_kind_error("Excel"))


def _relationships(package: SafeZip, part: str) -> dict[str, tuple[str, str]]:
    """rId → (type, member name) of a part's relationships ('' for the package's own)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
    found = {}
    if not package.has(rels):
        return found
    for element in elements(package.read(rels), "Relationship"):
        if element.get("TargetMode") != "External":
            target = element.get("Target") or ""
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id")] = (element.get("Type") or "", target)
    return found


def _shared_strings(data: bytes, limits: Limits) -> list[str]:
    strings: list[str] = []
    chars = 0
    for element in elements(data, "si"):
        text = _string_item(element)
        chars += len(text)
        strings.append(text)
        if len(strings) > limits.shared_strings or chars > limits.shared_chars:
            raise UploadError(f"表格中的文字条目超过 {limits.shared_strings:,} 个（或 {limits.shared_chars:,} 字），"
                              f"不像正常的花名册或题库，没有读取。请拆分成几个文件后分别上传。")
    return strings


def _string_item(si) -> str:
    """The text of an <si> or <is>: its <t>, or the <t> of each rich-text run; phonetic runs left out."""
    parts = []
    for child in si:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def _date_styles(data: bytes) -> set[int]:
    """The positions in cellXfs of the styles whose number format is a date or time."""
    return _number_styles(data)[0]


#: a format that shows a whole number as digits with fixed text around it: "GH"000000, 0000\号
_PADDED = re.compile(r'((?:"[^"]*"|\\.|_.)*)(0+)((?:"[^"]*"|\\.|_.)*)')  # _x: a space as wide as x


def _padding(code: str) -> tuple[str, int, str] | None:
    """(text before, digits, text after) of a zero-padding format such as ``000000``; None for
    General, decimals, thousands separators, percentages, dates and anything else."""
    match = _PADDED.fullmatch(code.split(";")[0])
    if not match:
        return None

    def literal(part: str) -> str:
        return re.sub(r'"([^"]*)"|\\(.)|_.', lambda m: m.group(1) or m.group(2) or "", part)
    return literal(match.group(1)), len(match.group(2)), literal(match.group(3))


def _number_styles(data: bytes) -> tuple[set[int], dict[int, tuple[str, int, str]]]:
    """The positions in cellXfs of the styles whose number format is a date or time, and of
    those that pad whole numbers (position → (text before, digits, text after))."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    custom: dict[int, str] = {}
    xfs: list[int] = []
    for element in elements(data, ("numFmt", "cellXfs")):
        if _local(element.tag) == "numFmt":
            try:
                custom[int(element.get("numFmtId") or -1)] = element.get("formatCode") or ""
            except ValueError:
                pass
            continue
        for xf in element:
            if _local(xf.tag) == "xf":
                number = xf.get("numFmtId") or "0"
                xfs.append(int(number) if number.isdigit() else 0)
        if len(xfs) > 100_000:
            raise UploadError(_kind_error("Excel"))
    dates, padded = set(), {}
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
        if code and is_date_format(code):
            dates.add(index)
        elif code and (padding := _padding(code)) is not None and padding != ("", 1, ""):
            padded[index] = padding
    return dates, padded


def _shown(number, padding: tuple[str, int, str]):
    """A whole, non-negative number under a zero-padding format, as Excel shows it."""
    if isinstance(number, float) and not number.is_integer():
        return number  # shown rounded: keep the number
    if number < 0 or number >= 1e15:
        return number  # past Excel's 15 digits (a 身份证号 typed as a number): its digits are already lost
    number = int(number)
    before, digits, after = padding
    return Shown(f"{before}{number:0{digits}d}{after}", number)


_AREA = re.compile(r"([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})$")


def _area(ref: str) -> tuple[int, int, int, int] | None:
    """'B3:D3' → (3, 2, 3, 4); None for anything else."""
    match = _AREA.match(ref)
    if not match:
        return None
    top, left = int(match.group(2)), _column_index(match.group(1))
    bottom, right = int(match.group(4)), _column_index(match.group(3))
    return min(top, bottom), min(left, right), max(top, bottom), max(left, right)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def _sheet_rows(package, target, sheet, strings, dates, padded, date1904, limits):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    sheet_name = sheet.name
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    label = f"工作表“{sheet_name}”" if sheet_name else "工作表"

    def value_of(cell):
        kind = cell.get("t") or "n"
        raw = None
        for child in cell:
            tag = _local(child.tag)
            if tag == "v":
                raw = child.text
            elif tag == "is":
                return _string_item(child)
        if raw is None:
            return None
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError) as error:
                raise UploadError(_kind_error("Excel")) from error
        if kind in ("str", "e", "inlineStr", "d"):
            return raw[:limits.cell_chars]
        if kind == "b":
            return raw.strip() in ("1", "true")
        try:
            number = int(raw) if re.fullmatch(r"\s*-?\d{1,20}\s*", raw) else float(raw)
        except ValueError:
            return raw[:limits.cell_chars]
        style = cell.get("s")
        if style is not None and style.isdigit() and int(style) in dates:
            try:
                return from_excel(number, epoch)
            except (ValueError, OverflowError, TypeError):
                return number
        if padded and style is not None and style.isdigit() and int(style) in padded:
            return _shown(number, padded[int(style)])
        return number

    def rows():
        data = package.read(target)
        row_number, kept = 0, 0
        for element in elements(data, ("row", "autoFilter", "mergeCell")):
            tag = _local(element.tag)
            if tag == "autoFilter":
                sheet.filtered = True
                continue
            if tag == "mergeCell":
                area = _area(element.get("ref") or "")
                if area and len(sheet.merged) < limits.merged:
                    sheet.merged.append(area)
                continue
            reference = element.get("r")
            row_number = int(reference) if reference and reference.isdigit() else row_number + 1
            values: dict[int, object] = {}
            column = 0
            for cell in element:
                if _local(cell.tag) != "c":
                    continue
                ref = CELL_REF.match(cell.get("r") or "")
                column = _column_index(ref.group(1)) if ref else column + 1
                value = value_of(cell)
                if value is None or value == "":
                    continue
                if column > limits.columns:
                    raise UploadError(f"{label}第 {row_number} 行在第 {limits.columns} 列以后还有内容，"
                                      f"超出了可以读取的范围，请删去多余的列后再上传。")
                values[column] = value
            if not values:
                continue
            kept += 1
            if kept > limits.rows:
                raise UploadError(f"{label}超过 {limits.rows:,} 行，超出了一次可以读取的范围，"
                                  f"请拆分成几个文件后分别上传。")
            if element.get("hidden") in ("1", "true"):
                sheet.hidden.add(row_number)
            yield row_number, [values.get(i) for i in range(1, max(values) + 1)]
        del data
    return rows()
