"""Programme and site pages, split by subject."""

from imroc.programme.views.core import *  # noqa: F403
from imroc.programme.views.network import *  # noqa: F403
