"""Reading a file named on the command line as the web upload would take it."""
from pathlib import Path

import click
from flask import current_app


def read_upload(path: str) -> tuple[str, bytes]:
    """The file's name and bytes; a file over the upload limit is refused before it is read."""
    file = Path(path)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    size = file.stat().st_size
    if limit is not None and size > limit:
        raise click.ClickException(f"文件有 {size / 1048576:.1f} MB，超过了 {limit / 1048576:g} MB 的上传上限"
                                   f"（EXAMSITE_UPLOAD_LIMIT_MB），没有读取。")
    return file.name, file.read_bytes()
