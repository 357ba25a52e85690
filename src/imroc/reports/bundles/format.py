"""The bundle file: a zip holding manifest.json, signature.json and one JSON-lines file per model.

The signature is Ed25519 over the exact bytes of manifest.json, which carries the SHA-256 of
every data file. The zip itself is written in one canonical way (stored, fixed dates, fixed
order), and a reader rebuilds it from what it read and compares byte for byte, so a change to
any byte of the file, even in the zip's own headers, is found.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext

from imroc.core import safejson, uploads
from imroc.reports.bundles.specs import canonical, digest

FORMAT = "imroc-site-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
DATA_DIR = "data/"
_DATE = (2000, 1, 1, 0, 0, 0)
MAX_BUNDLE_BYTES = 512 * 1024 * 1024


class BundleError(Exception):
    """A bundle that cannot be used, with a message for the person importing it."""


# --- Keys --------------------------------------------------------------------------------


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise BundleError(f"The key file is not a usable private key ({error}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("The key file does not hold an Ed25519 private key.")
    return key


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def parse_public_key(text: str) -> tuple[Ed25519PublicKey, str]:
    """The key and its canonical text, from the base64 text ``keygen`` prints."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(gettext("The public key is not valid base64 text.")) from None
    if len(raw) != 32:
        raise BundleError(
            gettext("The public key must be the 44-character text printed by keygen.")
        )
    return Ed25519PublicKey.from_public_bytes(raw), base64.b64encode(raw).decode()


def fingerprint(public_key_b64: str) -> str:
    return digest(base64.b64decode(public_key_b64))


# --- Writing -----------------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def signature_bytes(fingerprint_hex: str, signature: bytes) -> bytes:
    return canonical(
        {
            "algorithm": "ed25519",
            "key_fingerprint": fingerprint_hex,
            "signature": base64.b64encode(signature).decode(),
        }
    )


def build(
    manifest: dict, files: dict[str, bytes], key: Ed25519PrivateKey | None
) -> tuple[bytes, bytes]:
    """The bundle's bytes and its manifest bytes. ``key=None`` writes an unsigned bundle."""
    manifest_bytes = canonical(manifest)
    members = [(MANIFEST, manifest_bytes)]
    if key is not None:
        fp = fingerprint(public_key_text(key.public_key()))
        members.append((SIGNATURE, signature_bytes(fp, key.sign(manifest_bytes))))
    members += sorted(files.items())
    return _zip(members), manifest_bytes


# --- Reading -----------------------------------------------------------------------------


@dataclass
class Opened:
    manifest: dict
    manifest_bytes: bytes
    fingerprint: str
    signature: bytes
    files: dict[str, bytes]
    sha256: str
    raw: bytes

    def verify(self, public_key: Ed25519PublicKey) -> None:
        """Check the signature and that every byte of the file is as signed."""
        try:
            public_key.verify(self.signature, self.manifest_bytes)
        except InvalidSignature:
            raise BundleError(
                gettext(
                    "The signature does not match: the bundle was changed after it was signed, "
                    "or it was signed with a different key."
                )
            ) from None
        listed = self.manifest.get("files")
        if not isinstance(listed, dict) or set(listed) != set(self.files):
            raise BundleError(gettext("The bundle's files do not match the list in its manifest."))
        for name, data in self.files.items():
            entry = listed[name]
            if not isinstance(entry, dict) or entry.get("sha256") != digest(data):
                raise BundleError(
                    gettext("%(file)s was changed after the bundle was signed.") % {"file": name}
                )
        rebuilt = _zip(
            [
                (MANIFEST, self.manifest_bytes),
                (SIGNATURE, signature_bytes(self.fingerprint, self.signature)),
                *sorted(self.files.items()),
            ]
        )
        if rebuilt != self.raw:
            raise BundleError(gettext("The bundle file was changed after it was signed."))


def open_bundle(raw: bytes) -> Opened:
    """Read a bundle's parts. Checks structure only; call ``verify`` with the site's key."""
    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError(gettext("The bundle is too large."))
    if not raw:
        raise BundleError(gettext("The bundle file is empty."))
    damaged = gettext("The file is not a complete imroc bundle: it is damaged or was cut short.")
    try:
        # The table of contents is checked before anything is read (uploads.open_zip).
        with uploads.open_zip(raw, max_uncompressed_bytes=MAX_BUNDLE_BYTES) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if len(names) != len(set(names)):
                raise BundleError(damaged)
            # Bundles are stored uncompressed, so no entry can unpack to more than the file.
            if any(info.compress_type != zipfile.ZIP_STORED for info in infos) or sum(
                info.file_size for info in infos
            ) > len(raw):
                raise BundleError(damaged)
            # Each part is read with a hard limit of the size it declared.
            contents = {
                info.filename: uploads.read_member(archive, info.filename, info.file_size)
                for info in infos
            }
    except BundleError:
        raise
    except uploads.Unreadable:
        raise BundleError(damaged) from None
    except uploads.UploadError as error:  # over a limit: say which
        raise BundleError(str(error)) from None
    except Exception:  # any failure to read a damaged zip means the same
        raise BundleError(damaged) from None
    if MANIFEST not in contents:
        raise BundleError(gettext("The file has no manifest.json: it is not an imroc bundle."))
    manifest_bytes = contents.pop(MANIFEST)
    try:
        manifest = safejson.loads(manifest_bytes)
    except safejson.JSONLimitError as error:
        raise BundleError(
            gettext("The bundle's manifest cannot be read. %(reason)s") % {"reason": error}
        ) from None
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BundleError(gettext("The bundle's manifest is not valid JSON.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(gettext("The file is not an imroc site bundle."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BundleError(
            gettext(
                "The bundle uses format version %(found)s; this installation reads version "
                "%(version)s."
            )
            % {"found": repr(manifest.get("format_version")), "version": FORMAT_VERSION}
        )
    if SIGNATURE not in contents:
        raise BundleError(gettext("The bundle is not signed. Only signed bundles can be imported."))
    try:
        sig = safejson.loads(contents.pop(SIGNATURE))
        if sig.get("algorithm") != "ed25519":
            raise BundleError(
                gettext("The bundle is signed with an algorithm imroc does not accept.")
            )
        fp = str(sig["key_fingerprint"])
        signature = base64.b64decode(sig["signature"], validate=True)
    except BundleError:
        raise
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError, binascii.Error):
        raise BundleError(gettext("The bundle's signature file is damaged.")) from None
    if any(not name.startswith(DATA_DIR) for name in contents):
        raise BundleError(gettext("The bundle holds files imroc does not expect."))
    return Opened(
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        fingerprint=fp,
        signature=signature,
        files=contents,
        sha256=digest(raw),
        raw=raw,
    )
