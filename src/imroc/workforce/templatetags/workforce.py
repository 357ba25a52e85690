from django import template

from imroc.workforce.models import PolicyReview

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: for looking up a figure's measure by its key."""
    return mapping.get(key) if mapping else None


@register.filter
def shown(value):
    """A suppressed figure (None) shows as a dash with a hidden explanation."""
    return "–" if value is None else value


@register.filter
def outcome_label(value):
    """A policy review outcome key (such as "no_change") as its label, in the active language."""
    try:
        return PolicyReview.Outcome(value).label
    except ValueError:
        return (value or "").replace("_", " ").capitalize()
