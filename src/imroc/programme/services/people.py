"""Writes about people: invitations to a role, changing and ending roles, a new installation.

Rules that hold whoever asks:
- a site always keeps at least one lead, and the programme at least one admin;
- site roles go no higher than lead: programme roles are given only by programme admins;
- ending a role moves it to PastRole: access stops, the record of who did what stays;
- ending someone's last role anywhere switches their account off, which also stops their
  sessions and API tokens (both check that the account is active).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import secrets
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imroc.accounts import services as account_services
from imroc.core import audit
from imroc.core.services import ServiceError, StaleEditError
from imroc.programme.models import (
    Programme,
    ProgrammeMembership,
    ProgrammeRole,
    Site,
    SiteMembership,
    SiteRole,
    StakeholderGroup,
)
from imroc.programme.models.people import InvitationStatus, PastRole, RoleInvitation
from imroc.programme.models.people import role_label as models_role_label

logger = logging.getLogger(__name__)

INVITATION_DAYS = 7
BULK_MAX_ROWS = 500
BULK_COLUMNS = ("name", "email", "role", "group")


def _english(text) -> str:
    with translation.override("en"):
        return str(text)


def role_label(invitation_or_role, site: Site | None = None) -> str:
    """The role's name in the current language: a site role at a site, else a programme role."""
    role = getattr(invitation_or_role, "role", invitation_or_role)
    at_site = getattr(invitation_or_role, "site", site) is not None
    return models_role_label(role, at_site)


def _check_role(site: Site | None, role: str, group: str) -> None:
    if site is not None:
        if role not in SiteRole.values:
            raise ServiceError(
                _("Choose a role at the site: lead, member, partner or viewer."), "role"
            )
        if group not in StakeholderGroup.values:
            raise ServiceError(_("Choose the group this person belongs to."), "stakeholder_group")
    elif role not in ProgrammeRole.values:
        raise ServiceError(_("Choose programme admin or programme viewer."), "role")


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(
            _("Enter a real email address, like name@example.org."), "email"
        ) from None
    return email


def _account_for(email: str):
    return get_user_model().objects.filter(email__iexact=email).order_by("-is_active", "pk").first()


def _current_role(user, programme: Programme, site: Site | None):
    if user is None:
        return None
    if site is not None:
        return SiteMembership.objects.filter(user=user, site=site).first()
    return ProgrammeMembership.objects.filter(user=user, programme=programme).first()


def _link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("invitation", kwargs={"token": token})


@dataclass
class Sent:
    """An invitation that was just made or sent again, with its link (shown once).

    `emailed` is None until the email has been tried, then whether it went.
    """

    invitation: RoleInvitation
    link: str
    emailed: bool | None = None


def _send(sent: Sent) -> None:
    """Email the link once the transaction commits, so nobody gets a link that was rolled back.

    A mail server that cannot be reached does not undo the invitation: `sent.emailed` says
    whether the email went, and the person who invited can pass the link on themselves.
    """
    invitation = sent.invitation
    where = invitation.site.name if invitation.site else invitation.programme.name
    context = {
        "name": invitation.name,
        "where": where,
        "role": role_label(invitation),
        "invited_by": str(invitation.invited_by) if invitation.invited_by else where,
        "link": sent.link,
        "days": INVITATION_DAYS,
    }
    subject = _("You are invited to join %(where)s in imroc") % {"where": where}
    message = render_to_string("programme/email/role_invitation.txt", context)

    def deliver() -> None:
        try:
            send_mail(
                subject=subject,
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[invitation.email],
            )
        except (OSError, smtplib.SMTPException):
            logger.warning("The invitation email %s could not be sent.", invitation.public_id)
            sent.emailed = False
        else:
            sent.emailed = True

    transaction.on_commit(deliver)


def _new_secret(invitation: RoleInvitation) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = account_services.hash_secret(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=INVITATION_DAYS)
    return token


def _check_invitable(programme: Programme, site: Site | None, role: str, email: str) -> None:
    """Refuse an invitation to someone who already has a role here, or already has one waiting."""
    person = _account_for(email)
    current = _current_role(person, programme, site) if person and person.is_active else None
    if current is not None:
        if current.role == role:
            raise ServiceError(
                _("%(name)s already has this role here.") % {"name": person}, "email"
            )
        raise ServiceError(
            _(
                "%(name)s already has a role here (%(role)s). Change their role on the "
                "people page instead."
            )
            % {"name": person, "role": role_label(current.role, site)},
            "email",
        )
    waiting = RoleInvitation.objects.filter(
        programme=programme,
        site=site,
        email__iexact=email,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()
    if waiting:
        raise ServiceError(
            _("An invitation to this email is already waiting. Send it again from the list."),
            "email",
        )


def invite(
    programme: Programme,
    *,
    site: Site | None,
    role: str,
    name: str,
    email: str,
    actor,
    base_url: str,
    stakeholder_group: str = "",
) -> Sent:
    """Invite a person by email to a role at a site (or, with no site, in the programme)."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Enter the person's name."), "name")
    email = _clean_email(email)
    if site is not None and site.programme_id != programme.pk:
        raise ServiceError(_("Choose one of this programme's sites."), "site")
    group = stakeholder_group if site is not None else ""
    _check_role(site, role, group)
    with transaction.atomic():
        _check_invitable(programme, site, role, email)
        invitation = RoleInvitation(
            programme=programme,
            site=site,
            role=role,
            stakeholder_group=group,
            name=name,
            email=email,
            invited_by=audit.user_of(actor),
        )
        token = _new_secret(invitation)
        invitation.save()
        audit.record(
            actor,
            "invitation.create",
            invitation,
            site=site,
            after={"name": name, "email": email, "role": role, "group": group},
            object_repr=f"{name} as {role}",
        )
        sent = Sent(invitation, _link(base_url, token))
        _send(sent)
    return sent


def resend(invitation: RoleInvitation, *, actor, base_url: str) -> Sent:
    """Send a waiting or expired invitation again, with a new link and a new expiry date."""
    with transaction.atomic():
        invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.WITHDRAWN):
            raise ServiceError(
                _("This invitation was %(status)s, so it cannot be sent again.")
                % {"status": invitation.get_status_display().lower()}
            )
        token = _new_secret(invitation)
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "updated_at"])
        audit.record(
            actor,
            "invitation.resend",
            invitation,
            site=invitation.site,
            after={"email": invitation.email, "expires_at": invitation.expires_at},
        )
        sent = Sent(invitation, _link(base_url, token))
        _send(sent)
    return sent


def withdraw(invitation: RoleInvitation, *, actor) -> RoleInvitation:
    """Stop an invitation that has not been used: its link no longer works."""
    with transaction.atomic():
        invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ServiceError(_("This invitation has been accepted, so it cannot be withdrawn."))
        if invitation.withdrawn_at is not None:
            return invitation
        invitation.withdrawn_at = timezone.now()
        invitation.withdrawn_by = audit.user_of(actor)
        invitation.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
        audit.record(
            actor,
            "invitation.withdraw",
            invitation,
            site=invitation.site,
            before={"status": "waiting"},
            after={"status": "withdrawn"},
        )
    return invitation


# --- Accepting ----------------------------------------------------------------------------


def find_invitation(token: str) -> RoleInvitation:
    """The invitation behind a link, or ServiceError saying plainly why the link cannot be used."""
    invitation = (
        RoleInvitation.objects.select_related("site", "programme", "invited_by")
        .filter(token_hash=account_services.hash_secret(token or ""))
        .first()
    )
    if invitation is None:
        raise ServiceError(
            _(
                "This link is not right, or a newer invitation replaced it. Check you copied "
                "all of it, or ask the person who invited you to send it again."
            )
        )
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        raise ServiceError(_("This invitation has already been used. Sign in to imroc instead."))
    if status == InvitationStatus.WITHDRAWN:
        raise ServiceError(
            _("This invitation was withdrawn. Ask the person who invited you if you need one.")
        )
    if status == InvitationStatus.EXPIRED:
        raise ServiceError(
            _("This invitation has expired. Ask the person who invited you to send it again.")
        )
    return invitation


def account_for_invitation(invitation: RoleInvitation):
    """The active account that already uses the invitation's email, if there is one."""
    person = _account_for(invitation.email)
    return person if person is not None and person.is_active else None


def _grant(invitation: RoleInvitation, user) -> None:
    if invitation.site is not None:
        SiteMembership.objects.create(
            user=user,
            site=invitation.site,
            role=invitation.role,
            stakeholder_group=invitation.stakeholder_group or StakeholderGroup.STAFF,
            added_by=invitation.invited_by,
        )
    else:
        ProgrammeMembership.objects.create(
            user=user,
            programme=invitation.programme,
            role=invitation.role,
            added_by=invitation.invited_by,
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit.record(
        user,
        "invitation.accept",
        invitation,
        site=invitation.site,
        after={"user": user.username, "role": invitation.role},
    )


def _locked(token: str) -> RoleInvitation:
    invitation = find_invitation(token)
    # Lock the invitation row only: PostgreSQL cannot lock the nullable side of the join to
    # the site (a programme invitation has none).
    return (
        RoleInvitation.objects.select_for_update(of=("self",))
        .select_related("site", "programme")
        .get(pk=invitation.pk)
    )


def accept_with_new_account(token: str, *, display_name: str, username: str, password: str):
    """Accept by making an account (or switching on the person's old, switched-off one).

    An email that belongs to an active account is refused: that person signs in instead, so
    two accounts are never merged without them knowing.
    """
    User = get_user_model()
    with transaction.atomic():
        invitation = _locked(token)
        if invitation.status != InvitationStatus.WAITING:
            raise ServiceError(
                _("This invitation has already been used. Sign in to imroc instead.")
            )
        existing = _account_for(invitation.email)
        if existing is not None and existing.is_active:
            raise ServiceError(
                _("An account already uses this email address. Sign in to accept the invitation.")
            )
        display_name = display_name.strip() or invitation.name
        if existing is not None:
            user = existing  # an account switched off when its last role ended
            user.display_name = display_name
        else:
            username = username.strip()
            if not username:
                raise ServiceError(_("Choose a username."), "username")
            if User.objects.filter(username__iexact=username).exists():
                raise ServiceError(
                    _("Someone already has this username. Choose another."), "username"
                )
            user = User(username=username, display_name=display_name, email=invitation.email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages), "password") from None
        user.set_password(password)
        user.is_active = True
        user.save()
        action = "user.reactivate" if existing is not None else "user.create"
        audit.record(
            user,
            action,
            user,
            after={"username": user.username, "name": display_name, "password": "set"},
        )
        _grant(invitation, user)
    return user


def accept_as(token: str, user):
    """Accept as the signed-in person, whose account must use the invitation's email."""
    with transaction.atomic():
        invitation = _locked(token)
        if (user.email or "").strip().lower() != invitation.email.strip().lower():
            raise ServiceError(
                _(
                    "This invitation was sent to a different email address from the one on "
                    "your account. Sign out and open the link again, or ask for an invitation "
                    "to your own email."
                )
            )
        if _current_role(user, invitation.programme, invitation.site) is not None:
            raise ServiceError(
                _("You already have a role here. Ask a lead to change it if it is not right.")
            )
        _grant(invitation, user)
    return invitation


# --- Changing and ending roles ----------------------------------------------------------------


def _leads(site: Site) -> int:
    return SiteMembership.objects.filter(site=site, role=SiteRole.LEAD).count()


def _admins(programme: Programme) -> int:
    return ProgrammeMembership.objects.filter(programme=programme, role=ProgrammeRole.ADMIN).count()


def _locked_membership(model, membership, expected_version: int | None):
    stored = model.objects.select_for_update(of=("self",)).filter(pk=membership.pk).first()
    if stored is None:
        raise ServiceError(_("This person's role has already ended."))
    if expected_version is not None and stored.version != expected_version:
        raise StaleEditError(membership)
    return stored


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why, in a few words. The history keeps it."), "reason")
    return reason


def change_site_role(
    membership: SiteMembership,
    *,
    role: str,
    stakeholder_group: str,
    reason: str,
    expected_version: int,
    actor,
) -> SiteMembership:
    """Change a person's role or group at a site, with a reason. The last lead stays a lead."""
    _check_role(membership.site, role, stakeholder_group)
    reason = _reason(reason)
    with transaction.atomic():
        stored = _locked_membership(SiteMembership, membership, expected_version)
        if stored.role == SiteRole.LEAD and role != SiteRole.LEAD and _leads(stored.site) == 1:
            raise ServiceError(
                _(
                    "%(name)s is the site's only lead, so their role cannot change. Invite "
                    "or choose another lead first."
                )
                % {"name": stored.user},
                "role",
            )
        before = {"role": stored.role, "group": stored.stakeholder_group}
        stored.role, stored.stakeholder_group = role, stakeholder_group
        stored.version += 1
        stored.save(update_fields=["role", "stakeholder_group", "version", "updated_at"])
        audit.record(
            actor,
            "membership.change",
            stored,
            site=stored.site,
            before=before,
            after={"role": role, "group": stakeholder_group, "reason": reason},
            object_repr=f"{stored.user.username} at {stored.site.slug}",
        )
    return stored


def change_programme_role(
    membership: ProgrammeMembership, *, role: str, reason: str, expected_version: int, actor
) -> ProgrammeMembership:
    """Change a person's programme role, with a reason. The last admin stays an admin."""
    _check_role(None, role, "")
    reason = _reason(reason)
    with transaction.atomic():
        stored = _locked_membership(ProgrammeMembership, membership, expected_version)
        if (
            stored.role == ProgrammeRole.ADMIN
            and role != ProgrammeRole.ADMIN
            and _admins(stored.programme) == 1
        ):
            raise ServiceError(
                _(
                    "%(name)s is the programme's only admin, so their role cannot change. "
                    "Invite another admin first."
                )
                % {"name": stored.user},
                "role",
            )
        before = {"role": stored.role}
        stored.role = role
        stored.version += 1
        stored.save(update_fields=["role", "version", "updated_at"])
        audit.record(
            actor,
            "programme_membership.change",
            stored,
            before=before,
            after={"role": role, "reason": reason},
            object_repr=f"{stored.user.username} in {stored.programme.slug}",
        )
    return stored


def _check_end_date(ended_on: dt.date | None, started: dt.datetime) -> dt.date:
    today = timezone.localdate()
    if ended_on is None:
        raise ServiceError(_("Enter the date the role ends."), "ended_on")
    if ended_on > today:
        raise ServiceError(
            _("The end date cannot be in the future: ending a role takes effect straight away."),
            "ended_on",
        )
    if ended_on < timezone.localdate(started):
        raise ServiceError(_("The end date cannot be before the role started."), "ended_on")
    return ended_on


def _deactivate_if_no_roles(user, actor) -> bool:
    """Switch off an account with no role left anywhere. Its sessions and tokens stop working."""
    has_role = (
        SiteMembership.objects.filter(user=user).exists()
        or ProgrammeMembership.objects.filter(user=user).exists()
    )
    if has_role or not user.is_active:
        return False
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    audit.record(actor, "user.deactivate", user, before={"active": True}, after={"active": False})
    return True


def _end(stored, *, ended_on: dt.date, reason: str, actor, site: Site | None) -> PastRole:
    """Move a locked membership to PastRole, audit it, and switch off an account left bare."""
    group = getattr(stored, "stakeholder_group", "")
    programme = site.programme if site is not None else stored.programme
    past = PastRole.objects.create(
        user=stored.user,
        programme=programme,
        site=site,
        role=stored.role,
        stakeholder_group=group,
        started_at=stored.created_at,
        added_by=stored.added_by,
        ended_on=ended_on,
        ended_by=audit.user_of(actor),
        reason=reason,
    )
    where = f"at {site.slug}" if site is not None else f"in {programme.slug}"
    audit.record(
        actor,
        "membership.end" if site is not None else "programme_membership.end",
        stored,
        site=site,
        before={"role": stored.role, **({"group": group} if site is not None else {})},
        after={"ended_on": ended_on, "reason": reason},
        object_repr=f"{stored.user.username} {where}",
    )
    stored.delete()
    _deactivate_if_no_roles(stored.user, actor)
    return past


def end_site_role(membership: SiteMembership, *, ended_on: dt.date, reason: str, actor) -> PastRole:
    """End a person's role at a site. What they wrote keeps their name; their access stops."""
    reason = _reason(reason)
    with transaction.atomic():
        stored = _locked_membership(SiteMembership, membership, None)
        ended_on = _check_end_date(ended_on, stored.created_at)
        if stored.role == SiteRole.LEAD and _leads(stored.site) == 1:
            raise ServiceError(
                _(
                    "%(name)s is the site's only lead. Invite or choose another lead before "
                    "their role ends."
                )
                % {"name": stored.user}
            )
        return _end(stored, ended_on=ended_on, reason=reason, actor=actor, site=stored.site)


def end_programme_role(
    membership: ProgrammeMembership, *, ended_on: dt.date, reason: str, actor
) -> PastRole:
    """End a person's programme role. The programme always keeps one admin."""
    reason = _reason(reason)
    with transaction.atomic():
        stored = _locked_membership(ProgrammeMembership, membership, None)
        ended_on = _check_end_date(ended_on, stored.created_at)
        if stored.role == ProgrammeRole.ADMIN and _admins(stored.programme) == 1:
            raise ServiceError(
                _(
                    "%(name)s is the programme's only admin. Invite another admin before "
                    "their role ends."
                )
                % {"name": stored.user}
            )
        return _end(stored, ended_on=ended_on, reason=reason, actor=actor, site=None)


def leave_site(membership: SiteMembership, *, actor) -> PastRole:
    """A person ends their own role at a site (not the site's only lead)."""
    return end_site_role(
        membership,
        ended_on=timezone.localdate(),
        reason=_english(_("Left the site themselves.")),
        actor=actor,
    )


# --- Many invitations from one CSV file ---------------------------------------------------------


@dataclass
class BulkResult:
    """What a CSV of invitations did, or would do: sent, already there, and problems by line."""

    sent: list[Sent] = field(default_factory=list)
    already_there: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _choice(value: str, choices) -> str | None:
    """A choice from its value or its English label, ignoring case and spaces."""
    wanted = " ".join(value.split()).lower()
    for key, label in choices.choices:
        if wanted in (key.lower(), _english(label).lower(), key.replace("_", " ").lower()):
            return key
    return None


def read_people_csv(data: bytes) -> tuple[list[dict], list[tuple[int, str]]]:
    """Rows of name, email, role and group, with each line's problems. Nothing is written."""
    problems: list[tuple[int, str]] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(1, _("Save the file as CSV in UTF-8, then upload it again."))]
    reader = csv.DictReader(io.StringIO(text))
    headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in BULK_COLUMNS if c not in headers]
    if missing:
        return [], [
            (
                1,
                _(
                    "The first line must name the columns name, email, role and group. Missing: %(columns)s."
                )
                % {"columns": ", ".join(missing)},
            )
        ]
    rows = []
    try:
        for number, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            if not any(row.values()):
                continue
            if len(rows) >= BULK_MAX_ROWS:
                problems.append(
                    (
                        number,
                        _("Upload at most %(count)d people at a time.") % {"count": BULK_MAX_ROWS},
                    )
                )
                break
            row["line"] = number
            rows.append(row)
    except csv.Error as error:
        problems.append(
            (reader.line_num, _("This line is not valid CSV (%(error)s).") % {"error": error})
        )
    return rows, problems


def invite_many(
    programme: Programme, *, site: Site, data: bytes, actor, base_url: str
) -> BulkResult:
    """Invite everyone in a CSV to the site: every row is checked first, then all or none."""
    rows, problems = read_people_csv(data)
    result = BulkResult(problems=list(problems))
    if not rows and not problems:
        result.problems.append((1, _("The file has no people in it.")))
    checked = []
    seen: set[str] = set()
    for row in rows:
        line = row["line"]
        role = _choice(row.get("role", ""), SiteRole)
        group = _choice(row.get("group", ""), StakeholderGroup)
        email = row.get("email", "")
        errors = []
        if not row.get("name"):
            errors.append(_("the name is empty"))
        try:
            email = _clean_email(email)
        except ServiceError:
            errors.append(_("“%(email)s” is not an email address") % {"email": email})
        if role is None:
            errors.append(_("the role must be lead, member, partner or viewer"))
        if group is None:
            errors.append(
                _("the group must be staff, manager, service user, carer or commissioner")
            )
        if not errors and email.lower() in seen:
            errors.append(_("this email is on an earlier line too"))
        if errors:
            result.problems.append((line, "; ".join(str(e) for e in errors).capitalize() + "."))
            continue
        seen.add(email.lower())
        person = _account_for(email)
        current = _current_role(person, programme, site) if person and person.is_active else None
        if current is not None and current.role == role:
            result.already_there.append(
                (line, _("%(email)s already has this role.") % {"email": email})
            )
            continue
        checked.append((line, row["name"], email, role, group))
    if result.problems:
        return result
    try:
        with transaction.atomic():
            for line, name, email, role, group in checked:
                try:
                    sent = invite(
                        programme,
                        site=site,
                        role=role,
                        name=name,
                        email=email,
                        stakeholder_group=group,
                        actor=actor,
                        base_url=base_url,
                    )
                except ServiceError as error:
                    result.problems.append((line, str(error)))
                else:
                    result.sent.append(sent)
            if result.problems:
                raise _RollBack
    except _RollBack:
        result.sent = []
    return result


class _RollBack(Exception):
    """Undo every invitation of a CSV because one row was refused."""


# --- A new installation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetUp:
    programme: Programme
    created_programme: bool
    sent: Sent | None
    notes: list[str]


def set_up_installation(
    *,
    programme_name: str,
    admin_email: str,
    actor,
    base_url: str,
    admin_name: str = "",
    start_date: dt.date | None = None,
    send_again: bool = False,
) -> SetUp:
    """Make the programme (if there is none), publish the bundled framework if no version is
    in use, and invite the first programme admin.

    Running it again changes nothing and says what exists, except that `send_again` gives a
    waiting invitation a new link (the old one stops working).
    """
    from imroc.framework.models import FrameworkVersion
    from imroc.framework.services import load_bundled_frameworks
    from imroc.programme.services.core import create_programme

    programme_name = programme_name.strip()
    if not programme_name:
        raise ServiceError(_("Give the programme a name."), "programme")
    admin_email = _clean_email(admin_email)
    notes: list[str] = []
    with transaction.atomic():
        programme = Programme.objects.order_by("pk").first()
        created = programme is None
        if created:
            from django.utils.text import slugify

            programme = create_programme(
                name=programme_name,
                slug=slugify(programme_name)[:50] or "programme",
                start_date=start_date or timezone.localdate(),
                description="",
                actor=actor,
            )
        elif programme.name != programme_name:
            notes.append(
                _("A programme already exists here: %(name)s. It was left as it is.")
                % {"name": programme.name}
            )
        else:
            notes.append(_("The programme %(name)s already exists.") % {"name": programme.name})
        published = FrameworkVersion.objects.filter(
            key=programme.framework_key, status=FrameworkVersion.Status.PUBLISHED
        ).first()
        if published is None:
            published = next(
                (v for v in load_bundled_frameworks(actor) if v.key == programme.framework_key),
                None,
            )
            if published is not None:
                notes.append(
                    _("Published the framework %(title)s, version %(version)s.")
                    % {"title": published.title, "version": published.version}
                )
        person = _account_for(admin_email)
        current = _current_role(person, programme, None) if person and person.is_active else None
        waiting = RoleInvitation.objects.filter(
            programme=programme,
            site=None,
            email__iexact=admin_email,
            role=ProgrammeRole.ADMIN,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
        ).first()
        sent = None
        if current is not None and current.role == ProgrammeRole.ADMIN:
            notes.append(_("%(email)s is already a programme admin.") % {"email": admin_email})
        elif current is not None:
            raise ServiceError(
                _("%(email)s already has another programme role. Change it on the people page.")
                % {"email": admin_email}
            )
        elif waiting is not None and send_again:
            sent = resend(waiting, actor=actor, base_url=base_url)
            notes.append(
                _("The invitation to %(email)s was sent again with a new link.")
                % {"email": admin_email}
            )
        elif waiting is not None:
            notes.append(
                _(
                    "An invitation to %(email)s is already waiting (it expires on %(date)s). "
                    "To send it again with a new link, add --send-again."
                )
                % {"email": admin_email, "date": timezone.localdate(waiting.expires_at)}
            )
        else:
            sent = invite(
                programme,
                site=None,
                role=ProgrammeRole.ADMIN,
                name=admin_name.strip() or admin_email.split("@")[0],
                email=admin_email,
                actor=actor,
                base_url=base_url,
            )
    return SetUp(programme, created, sent, notes)
