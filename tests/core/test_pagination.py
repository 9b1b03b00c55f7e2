"""core.pagination.KeysFirstPaginator: the page's rows read by their keys, each once, with the
list's conditions planned once where that cannot change the rows, and a capped count."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import KeysFirstPaginator

pytestmark = pytest.mark.django_db


def users(n, prefix="u"):
    User = get_user_model()
    User.objects.bulk_create(User(username=f"{prefix}{i:03d}") for i in range(n))
    return User.objects.filter(username__startswith=prefix).order_by("username")


def page_sql(paginator, number):
    with CaptureQueriesContext(connection) as queries:
        rows = [user.username for user in paginator.page(number)]
    return rows, queries.captured_queries[-1]["sql"]


def test_every_page_holds_the_rows_of_that_slice_of_the_list():
    listed = users(23)
    users(5, prefix="other")
    paginator = KeysFirstPaginator(listed, 10)
    pages = [[u.username for u in paginator.page(n)] for n in paginator.page_range]
    assert pages == [
        [f"u{i:03d}" for i in range(0, 10)],
        [f"u{i:03d}" for i in range(10, 20)],
        [f"u{i:03d}" for i in range(20, 23)],
    ]


def test_the_outer_query_does_not_repeat_the_conditions():
    paginator = KeysFirstPaginator(users(12), 5)
    paginator.count  # noqa: B018 - counted before, as a page view does
    rows, sql = page_sql(paginator, 2)
    assert rows == [f"u{i:03d}" for i in range(5, 10)]
    assert sql.count("LIKE") == 1  # in the keys' subquery only


def test_a_list_filtered_through_a_reverse_join_keeps_its_conditions_and_each_row_once():
    """A user in three groups, listed by one of them: the outer query must keep the condition
    on its join to the groups, or the user would be read once per group."""
    listed = users(3)
    groups = [Group.objects.create(name=name) for name in ("a", "b", "c")]
    for group in groups:
        group.user_set.add(*listed)
    by_group = listed.filter(groups__name="a")
    rows, sql = page_sql(KeysFirstPaginator(by_group, 10), 1)
    assert rows == ["u000", "u001", "u002"]
    assert sql.count("\"name\" = 'a'") == 2  # in the outer query and in the keys'


def test_the_count_stops_at_the_cap_and_says_there_are_more():
    paginator = KeysFirstPaginator(users(12), 5, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 2)
    assert [u.username for u in paginator.page(2)][-1] == "u009"
    exact = KeysFirstPaginator(users(12, prefix="v"), 5)
    assert (exact.count, exact.capped) == (12, False)


def test_a_function_that_builds_the_list_without_a_key_is_built_at_once():
    built = []

    def build():
        built.append(1)
        return users(7)

    paginator = KeysFirstPaginator(build, 5)
    assert built == [1] and paginator.count == 7
    assert [u.username for u in paginator.page(2)] == ["u005", "u006"]
