"""Every write to programme data: transactional and audited. Split by subject."""

from imroc.programme.services.core import *  # noqa: F403
from imroc.programme.services.network import *  # noqa: F403
