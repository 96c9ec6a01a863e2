"""The Python-written widgets give the HTML of Django's widget templates."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dondoc.core.forms import DateField, DateInput
from dondoc.core.renderer import FormRenderer
from dondoc.tasks.forms import ProgressUpdateForm

ATTRS = {
    "id": "f-x",
    "required": True,
    "disabled": False,
    "placeholder": "say \"<b>\" & 'quote'",
    "title": gettext_lazy("A date written dd/mm/yyyy, for example 31/03/2025"),
    "data-safe": mark_safe("<i>kept</i>"),
    "maxlength": 10,
    "data-empty": "",
}
WIDGETS = [
    forms.TextInput(ATTRS),
    forms.HiddenInput(),
    forms.NumberInput({"min": 0, "step": "0.5"}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.DateInput(),
    forms.TimeInput(),
    forms.DateTimeInput(),
    forms.SearchInput(),
    forms.TelInput(),
    forms.ColorInput(),
    forms.FileInput(ATTRS),
    forms.ClearableFileInput(),
    forms.Textarea(ATTRS),
    DateInput({"id": "f-as_of"}),
    forms.Select(choices=[("a", "A"), ("b", "<B>")]),
    forms.CheckboxInput(),
]
VALUES = [None, "", "plain", 'with "quotes" <and> & tags', mark_safe("<safe>"), 0, 12.5,
          dt.date(2025, 3, 31), gettext_lazy("Tasks")]  # fmt: skip


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_each_widget_renders_as_its_template(widget):
    for value in VALUES:
        for attrs in (None, {"aria-describedby": "h", "autofocus": True}):
            expected = widget.render("name", value, attrs=attrs, renderer=DjangoTemplates())
            got = widget.render("name", value, attrs=attrs, renderer=FormRenderer())
            assert got == expected, (value, attrs)


def test_a_file_input_showing_its_current_file_goes_through_the_template():
    class Current:
        url = "/media/a.pdf"

        def __str__(self):
            return "a.pdf"

    widget = forms.ClearableFileInput()
    expected = widget.render("f", Current(), renderer=DjangoTemplates())
    assert widget.render("f", Current(), renderer=FormRenderer()) == expected
    assert 'href="/media/a.pdf"' in expected


def test_a_bound_form_with_errors_renders_as_with_the_templates(db, tasks_for_forms):
    class Form(forms.Form):
        day = DateField()
        text = forms.CharField(widget=forms.Textarea)

    data = {"day": "32/13/2025", "text": "<script>"}
    for form_class, kwargs in ((Form, {}), (ProgressUpdateForm, tasks_for_forms)):
        fast = form_class(data, renderer=FormRenderer(), **kwargs)
        slow = form_class(data, renderer=DjangoTemplates(), **kwargs)
        fast.is_valid(), slow.is_valid()
        for name in fast.fields:
            if name == "form_token":  # a fresh token per form
                continue
            assert str(fast[name]) == str(slow[name]), name
            assert str(fast[name].errors) == str(slow[name].errors), name
        assert any(fast[name].errors for name in fast.fields)
        unbound = form_class(renderer=FormRenderer(), **kwargs)
        assert all(str(unbound[name].errors) == "" for name in unbound.fields)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    assert "a.pdf" not in str(Form(files={"f": upload}, renderer=FormRenderer())["text"])


@pytest.fixture
def tasks_for_forms(program):
    from dondoc.tasks.services import create_task

    task = create_task(program=program, content="Việc", assigned_on=dt.date(2025, 1, 1))
    return {"task": task, "may_set_status": True}
