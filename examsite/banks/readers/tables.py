"""Banks kept as a Word table: a header row naming the columns, a row per question."""


def docx_table_items(table, first_number: int):
    """The table's questions as parser items, or None when it is not a question table."""
    return None
