"""Text fields that read in the active language, while the database keeps the source text.

A framework version is written in one language (its source). Translations of its wording are
held beside it, in each row's ``translations`` field, shaped
``{"cy": {"title": "...", "summary": "..."}}``. Reading ``challenge.title`` gives the
translation for the active language when there is one, and the source text otherwise, so
every template that shows ``challenge.title`` follows the person's language without change.

Only reading through the attribute is translated. Everything that writes or compares
(``save()``, ``bulk_create()``, model forms, ``full_clean()``, serialisers, ORM filters and
ordering) uses the stored source text, so a save made while Welsh is active never writes the
Welsh into the source column. ``raw_text(instance, "title")`` gives the source text directly.

The translations are read from the row already loaded, so showing a translation costs no
extra query. If ``translations`` was deferred (``.only(...)``), the source text is shown
rather than fetching it once a row.
"""

from __future__ import annotations

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation

TRANSLATIONS_FIELD = "translations"


def translation_for(instance: models.Model, name: str, language: str | None = None) -> str:
    """The translation of field ``name`` for ``language`` (default: the active one), or ''."""
    translations = instance.__dict__.get(TRANSLATIONS_FIELD)
    if not translations or not isinstance(translations, dict):
        return ""
    language = (language or translation.get_language() or "").lower()
    if not language:
        return ""
    for code in (language, language.split("-")[0]):
        entry = translations.get(code)
        if isinstance(entry, dict):
            text = entry.get(name)
            if isinstance(text, str) and text:
                return text
    return ""


def raw_text(instance: models.Model, name: str) -> str:
    """The source text stored in field ``name``, whatever language is active."""
    field = instance._meta.get_field(name)
    if field.attname not in instance.__dict__:
        instance.refresh_from_db(fields=[field.attname])
    return instance.__dict__[field.attname]


class TranslatedAttribute(DeferredAttribute):
    """Reads give the active language's text. Unlike Django's DeferredAttribute this is a data
    descriptor (it has __set__), so it is asked on every read even once the value is loaded
    into the instance's __dict__; it still stores the value there."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        source = super().__get__(instance, cls)
        return translation_for(instance, self.field.name) or source

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class _TranslatedMixin:
    """Reads follow the active language; writes, forms and validation use the source text."""

    descriptor_class = TranslatedAttribute

    def value_from_object(self, obj):
        return raw_text(obj, self.name)

    def pre_save(self, model_instance, add):
        return raw_text(model_instance, self.name)

    def clean(self, value, model_instance):
        # Model.clean_fields() passes getattr(instance, attname), which may be a translation,
        # and stores what clean() returns: clean the source text instead.
        if model_instance is not None:
            value = raw_text(model_instance, self.name)
        return super().clean(value, model_instance)

    def deconstruct(self):
        # To migrations this is a plain text column: the translation happens only on reading.
        name, _path, args, kwargs = super().deconstruct()
        base = models.TextField if isinstance(self, models.TextField) else models.CharField
        return name, f"django.db.models.{base.__name__}", args, kwargs


class TranslatedCharField(_TranslatedMixin, models.CharField):
    pass


class TranslatedTextField(_TranslatedMixin, models.TextField):
    pass


class SourceTextQuerySet(models.QuerySet):
    """bulk_update() reads each field with getattr(): make it read the source text."""

    def bulk_update(self, objs, fields, batch_size=None):
        with translation.override(None):
            return super().bulk_update(objs, fields, batch_size=batch_size)


class TranslatedModelMixin:
    """For a model with translated fields: refreshing keeps the source text.

    ``refresh_from_db()`` copies each field from a fresh copy with getattr(), which would give
    the translation while another language is active; read it with no language active.
    """

    def refresh_from_db(self, *args, **kwargs):
        with translation.override(None):
            return super().refresh_from_db(*args, **kwargs)
