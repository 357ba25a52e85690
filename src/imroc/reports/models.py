"""Offline site bundles: the keys sites sign with, the bundles a site exported, the bundles the
hub imported, and what each imported object looked like at its last import."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from imroc.core.models import PublicModel, TimestampedModel
from imroc.programme.models import Site


class SiteKey(PublicModel):
    """An Ed25519 public key a site signs its bundles with, registered at the hub."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="bundle_keys")
    # The raw 32-byte public key, base64.
    public_key = models.CharField(max_length=64)
    # SHA-256 of the raw public key, hex.
    fingerprint = models.CharField(max_length=64, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by_label = models.CharField(max_length=150, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["site__slug", "-registered_at", "-id"]

    def __str__(self) -> str:
        return f"Key {self.short_fingerprint} of {self.site}"

    @property
    def short_fingerprint(self) -> str:
        return ":".join(self.fingerprint[i : i + 4] for i in range(0, 16, 4))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class BundleExport(TimestampedModel):
    """A bundle this installation exported for one of its sites: numbers bundles in order."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="bundle_exports")
    bundle_id = models.UUIDField(unique=True)
    sequence = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    exported_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["site", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["site", "sequence"], name="bundle_export_sequence")
        ]

    def __str__(self) -> str:
        return f"Bundle {self.sequence} of {self.site}"


class BundleImport(PublicModel):
    """A bundle the hub imported from a site, with what it changed and what it left alone."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="bundle_imports")
    key = models.ForeignKey(SiteKey, on_delete=models.PROTECT, related_name="imports")
    bundle_id = models.UUIDField(unique=True)
    sequence = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    exported_at = models.DateTimeField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_by_label = models.CharField(max_length=150)
    # {"goals": {"in_bundle": 3, "created": 1, "updated": 1, ...}, ...}
    counts = models.JSONField(default=dict)
    # [{"model": "goals", "key": "...", "label": "...", "reason": "..."}]
    conflicts = models.JSONField(default=list)
    # Usernames named in the bundle that the hub does not have.
    missing_users = models.JSONField(default=list)
    # Other things worth knowing, in plain words (for example a shared measure the hub lacks).
    notes = models.JSONField(default=list)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "sequence"], name="bundle_import_sequence")
        ]

    def __str__(self) -> str:
        return f"Bundle {self.sequence} from {self.site}"

    @property
    def conflict_count(self) -> int:
        return len(self.conflicts)


class ImportedObject(models.Model):
    """One object the hub holds because a site's bundle carried it.

    ``source_hash`` is the hash of the record in the bundle; ``local_hash`` the hash of the
    hub's object right after the import. A later bundle updates or deletes the object only
    while the hub's copy still has ``local_hash``; otherwise it is a conflict.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    model_label = models.CharField(max_length=60)
    key = models.CharField(max_length=200)
    local_pk = models.BigIntegerField()
    source_hash = models.CharField(max_length=64)
    local_hash = models.CharField(max_length=64)
    last_import = models.ForeignKey(
        BundleImport, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "model_label", "key"], name="imported_object_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_label} {self.key}"
