"""One pagination shape for every list endpoint: items, count, page, page_size."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.utils.translation import gettext as _

MAX_PAGE_SIZE = 200


def paginate(queryset, *, page: int, page_size: int):
    from alliance.core.errors import ValidationFailed

    if page < 1:
        raise ValidationFailed({"page": [_("Pages start at 1.")]})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed({"page_size": [_("Between 1 and %(n)d.") % {"n": MAX_PAGE_SIZE}]})
    paginator = Paginator(queryset, page_size)
    try:
        current = paginator.page(page)
    except EmptyPage:
        return [], paginator.count
    return list(current.object_list), paginator.count


class CappedPaginator(Paginator):
    """Counts at most `cap` rows. A desk list across a million cases must not count them all on every page
    view; past the cap the page says "more" and the user narrows with a box, a filter or a search."""

    cap = 1000

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            self._capped_count = self.object_list[: self.cap + 1].count()
        return self._capped_count

    @property
    def capped(self) -> bool:
        return self.count > self.cap
