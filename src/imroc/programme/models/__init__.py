"""Programme models: the programme and its sites (core), and its learning network (network)."""

from imroc.programme.models.core import *  # noqa: F403
from imroc.programme.models.core import (  # noqa: F401 - explicit for readers and linters
    CATEGORY_PLURAL_LABELS,
    Application,
    Category,
    CategoryChange,
    MemberGroup,
    Organisation,
    Programme,
    ProgrammeMembership,
    ProgrammeRole,
    Site,
    SiteMembership,
    SiteRole,
    StakeholderGroup,
    Team,
    validate_time_zone,
)
from imroc.programme.models.network import (  # noqa: F401
    EvaluationReceipt,
    LearningSet,
    LearningSetAction,
    LearningSetAttendance,
    LearningSetEvaluation,
    LearningSetFacilitator,
    LearningSetInvitation,
    Resource,
    SupportEntry,
)
from imroc.programme.models.people import (  # noqa: F401
    InvitationStatus,
    PastRole,
    RoleInvitation,
)
