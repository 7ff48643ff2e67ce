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
