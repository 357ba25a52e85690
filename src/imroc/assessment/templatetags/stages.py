from django import template

from imroc.assessment.presenters import level_name
from imroc.framework.scales import progress_meaning as meaning

register = template.Library()


@register.filter
def stage_name(level):
    """The name of a level: 'Not yet started', 'Engagement', 'Development' or 'Transformation'."""
    return level_name(level)


@register.filter
def signed(value):
    """+1, 0 or -1 style, for changes between rounds."""
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else str(value)


@register.filter
def progress_meaning(score):
    """What a score on the IHI progress scale means, such as 'Modest improvement'."""
    return meaning(score)
