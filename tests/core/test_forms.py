from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from imroc.core.forms import ModelChoiceField, ModelMultipleChoiceField
from imroc.framework.models import Challenge


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999"])
def test_numbers_beyond_any_key_are_invalid_choices(framework, value):
    one = ModelChoiceField(queryset=Challenge.objects.all())
    several = ModelMultipleChoiceField(queryset=Challenge.objects.all())
    with pytest.raises(ValidationError) as caught:
        one.clean(value)
    assert caught.value.code == "invalid_choice"
    with pytest.raises(ValidationError) as caught:
        several.clean([str(Challenge.objects.first().pk), value])
    assert caught.value.code == "invalid_pk_value"


@pytest.mark.django_db
def test_real_choices_still_work(framework):
    risk = Challenge.objects.get(slug="risk")
    assert ModelChoiceField(queryset=Challenge.objects.all()).clean(str(risk.pk)) == risk
    assert list(ModelMultipleChoiceField(queryset=Challenge.objects.all()).clean([risk.pk])) == [
        risk
    ]
