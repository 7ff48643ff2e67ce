"""The long-list select renders the same options as Django's, escaped, with the chosen one selected."""

from __future__ import annotations

from django import forms

from alliance.core.forms import LongSelect


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("XD", "Dreamland"), ("XP", 'Poor"land <b>')], required=False)
    long = forms.ChoiceField(choices=[("", "—"), ("XD", "Dreamland"), ("XP", 'Poor"land <b>')], required=False,
                             widget=LongSelect(attrs={"aria-describedby": "help"}))


def _options(html: str) -> str:
    return html[html.index("<option"):html.index("</select>")].replace("\n", "").replace(">  <", "><")


def test_same_options_and_escaping_as_django():
    form = _Form(initial={"plain": "XP", "long": "XP"})
    plain, long = str(form["plain"]), str(form["long"])
    assert 'name="long"' in long and 'id="id_long"' in long and 'aria-describedby="help"' in long
    assert _options(long).replace("><", ">\n<").split("\n") == [
        line.strip() for line in _options(plain).replace("><", ">\n<").split("\n") if line.strip()]
    assert '<option value="XP" selected>Poor&quot;land &lt;b&gt;</option>' in long
