"""The form of an organisation unit: names, kind, place, life (validity and merger), aliases."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, DateInput
from dondoc.core.text import fold
from dondoc.orgs.choices import OrgUnitChoiceField
from dondoc.orgs.models import OrgAlias, OrgUnit

MAX_ALIASES = 50


class OrgUnitForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("Also written as"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Other names under which documents cite the unit, one per line."),
    )

    class Meta:
        model = OrgUnit
        fields = [
            "name",
            "short_name",
            "code",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
        ]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}
        field_classes = {
            "valid_from": DateField,
            "valid_to": DateField,
            "parent": OrgUnitChoiceField,
            "successor": OrgUnitChoiceField,
        }
        help_texts = {
            "code": _("Letters, digits and hyphens, unique (e.g. du-bo-khcn)."),
            "valid_to": _(
                "The last day the unit existed (for a merger, the day before the new unit)."
            ),
            "successor": _("The unit that carries on its work after a merger."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        others = OrgUnit.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.initial.setdefault(
                "aliases",
                "\n".join(self.instance.aliases.order_by("alias").values_list("alias", flat=True)),
            )
        # Units that exist today, and the current ones even if they have ended since.
        self.fields["parent"].queryset = others
        self.fields["parent"].keep(self.instance.parent_id)
        self.fields["successor"].queryset = others
        self.fields["successor"].upcoming = True  # a merger is often entered before its day
        self.fields["successor"].keep(self.instance.successor_id)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name or "\x00" in name:
            raise forms.ValidationError(_("Enter the official name."))
        return name

    def clean_aliases(self) -> list[str]:
        lines = [" ".join(a.split()) for a in self.cleaned_data["aliases"].splitlines()]
        aliases = list(dict.fromkeys(a for a in lines if a and "\x00" not in a))
        if len(aliases) > MAX_ALIASES:
            raise forms.ValidationError(_("At most %(n)d aliases.") % {"n": MAX_ALIASES})
        if any(len(a) > 300 for a in aliases):
            raise forms.ValidationError(_("An alias is at most 300 characters long."))
        folded = {fold(a): a for a in aliases}
        taken = OrgAlias.objects.filter(alias_folded__in=folded).select_related("org_unit")
        if self.instance.pk:
            taken = taken.exclude(org_unit=self.instance)
        problems = [
            _("“%(alias)s” already names %(unit)s.")
            % {"alias": folded[a.alias_folded], "unit": a.org_unit.name}
            for a in taken
        ]
        if problems:
            raise forms.ValidationError(problems)
        return list(folded.values())

    def _loops(self, field: str) -> bool:
        """Would following ``field`` (parent or successor) from the new value come back here?"""
        unit, seen = self.cleaned_data.get(field), set()
        while unit is not None and unit.pk not in seen:
            if self.instance.pk and unit.pk == self.instance.pk:
                return True
            seen.add(unit.pk)
            unit = getattr(unit, field)
        return False

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end comes before the start."))
        successor = data.get("successor")
        if successor is not None:
            if not end:
                self.add_error("valid_to", _("A merged unit needs the last day it existed."))
            elif successor.valid_from and successor.valid_from > end + dt.timedelta(days=1):
                self.add_error(
                    "successor",
                    _(
                        "The successor starts after this unit ends: the work would have no "
                        "owner in between."
                    ),
                )
            if self._loops("successor"):
                self.add_error("successor", _("The successor leads back to this unit."))
        if data.get("parent") is not None and self._loops("parent"):
            self.add_error("parent", _("The parent unit is part of this unit."))
        return data
