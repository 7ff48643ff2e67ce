"""`alliance keys status|rotate|retire`: the field-encryption and blind-index keys."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from alliance.core import key_rotation as kr
from alliance.core.keyring import KeyRingError, keyring_path, load_keyring


class Command(BaseCommand):
    help = "Show, rotate or retire the field-encryption and blind-index keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{status,rotate,retire}")
        actions.add_parser("status", help="active keys and how many stored values use each key")
        rotate = actions.add_parser("rotate", help="new active key; re-encrypt (or re-index) every value")
        rotate.add_argument("--blind", action="store_true", help="rotate the blind-index key instead")
        rotate.add_argument("--resume", action="store_true",
                            help="add no key: finish moving values to the active key")
        rotate.add_argument("--batch-size", type=int, default=500)
        retire = actions.add_parser("retire", help="drop old keys that no stored value uses any more")
        retire.add_argument("--blind", action="store_true", help="retire old blind-index keys instead")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (KeyRingError, kr.KeysInUse) as exc:
            raise CommandError(str(exc)) from None

    def _source(self) -> str:
        return "the ALLIANCE_KEYRING variable" if os.environ.get("ALLIANCE_KEYRING") else str(keyring_path())

    def _status(self, **_options) -> None:
        ring = load_keyring()
        usage = kr.key_usage()
        self.stdout.write(f"Key ring: {self._source()}")
        for title, keyset, counts in (("Field keys", ring.field, usage.field),
                                      ("Blind-index keys", ring.blind, usage.blind)):
            self.stdout.write(f"{title} (active: {keyset.active})")
            for key_id in sorted(set(keyset.keys) | set(counts)):
                notes = []
                if key_id == keyset.active:
                    notes.append("active")
                if key_id == kr.UNREADABLE:
                    notes.append("NOT IN THE ENCRYPTED FORMAT")
                elif key_id not in keyset.keys:
                    notes.append("MISSING FROM THE RING: these values cannot be read")
                suffix = f"  [{', '.join(notes)}]" if notes else ""
                self.stdout.write(f"  {key_id}: {counts.get(key_id, 0)} values{suffix}")
        if kr.missing_keys(usage):
            raise CommandError("some stored values use keys that are not in the key ring")

    def _rotate(self, *, blind: bool, resume: bool, batch_size: int, **_options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if os.environ.get("ALLIANCE_KEYRING") and not resume:
            raise CommandError(
                "The key ring comes from ALLIANCE_KEYRING. Add a new key to that secret and make it active, "
                "restart every server and worker, then run `alliance keys rotate --resume"
                f"{' --blind' if blind else ''}`."
            )
        total = kr.blind_rotation_total() if blind else kr.field_rotation_total()
        rotate = kr.blind_keys_rotate if blind else kr.field_keys_rotate
        with tqdm(total=total, unit="rows", desc="re-indexing" if blind else "re-encrypting",
                  disable=None) as bar:
            result = rotate(progress=bar.update, batch_size=batch_size, resume=resume)
        what = "blind-index" if blind else "field"
        self.stdout.write(f"Active {what} key: {result.key_id}. Rewrote {result.rewritten} of "
                          f"{result.scanned} rows.")
        if not resume:
            self.stdout.write(
                f"The old key {result.previous_key_id} stays in the ring until `alliance keys retire"
                f"{' --blind' if blind else ''}`.\n"
                "Now: back up the key ring (it holds a key no earlier key backup has), restart every server "
                "and job worker so they use the new key, then run `alliance keys rotate --resume"
                f"{' --blind' if blind else ''}` for values written with the old key in the meantime."
            )

    def _retire(self, *, blind: bool, **_options) -> None:
        retired = kr.blind_keys_retire() if blind else kr.field_keys_retire()
        if not retired:
            self.stdout.write("Nothing to retire: the ring holds only the active key.")
            return
        self.stdout.write(
            f"Retired {', '.join(retired)}. Keep a copy of the old key ring for as long as backups made "
            "before the rotation are kept: restoring one of them needs those keys."
        )
