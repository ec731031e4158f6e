"""PDF banks: the text layer, in reading order, as lines."""
from ...uploads import UploadError


def read_pdf(data: bytes):
    raise UploadError("暂不支持 PDF 文件。")
