from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: for looking up a figure's measure by its key."""
    return mapping.get(key) if mapping else None


@register.filter
def shown(value):
    """A suppressed figure (None) shows as a dash with a hidden explanation."""
    return "–" if value is None else value
