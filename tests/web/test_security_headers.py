"""Browser-side protections on every page: CSP with nonces and no inline script, no caching, no framing."""

from __future__ import annotations

import re

import pytest

from alliance.core import roles as R
from tests import factories


@pytest.fixture
def page(client, db):
    member = factories.member(factories.organisation(), [R.CASE_WORKER])
    client.force_login(member.user)
    return client.get("/")


def test_content_security_policy(page):
    policy = page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    script = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "'nonce-" in script


def test_every_script_tag_is_external_with_the_nonce(page):
    html = page.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"]).group(1)
    tags = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert tags
    for attributes, body in tags:
        assert 'src="' in attributes and body.strip() == ""
        assert f'nonce="{nonce}"' in attributes
    assert " style=" not in html and "onclick" not in html


def test_htmx_is_configured_safely(page):
    html = page.content.decode()
    assert '"allowEval": false' in html and '"selfRequestsOnly": true' in html


def test_no_store_and_no_framing(page):
    assert page["Cache-Control"] == "no-store"
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"


def test_personal_searches_never_use_the_query_string(client, db):
    member = factories.member(factories.organisation(), [R.CASE_WORKER])
    client.force_login(member.user)
    html = client.get("/cases/search/").content.decode()
    assert re.search(r'<form method="post"', html)
