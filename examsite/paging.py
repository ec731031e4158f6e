"""A page of a list already read and filtered in Python, for the page links of _pagination.html."""
from flask_sqlalchemy.pagination import Pagination


class ListPage(Pagination):
    """One page of ``rows`` (a list): the lists filtered by scope rules no query expresses."""

    def _query_items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self._query_args["rows"][start:start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])
