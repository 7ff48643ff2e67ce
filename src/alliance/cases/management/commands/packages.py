"""`alliance packages ...`: transnational referral from a shell, so that two installations can exchange
packages without the web interface (docs/transnational-packages.md).

Every sub-command acts as a named member (`--as EMAIL`), through the same services, rights and audit as
the web pages; it never prints a personal value, only ids, numbers, fingerprints and field names.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance.cases.models import Case
from alliance.cases.selectors import transnational as selectors
from alliance.cases.services import transnational as services
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.sealed_package import format_fingerprint
from alliance.directory.models import Membership, User
from alliance.directory.selectors import actor_for, live_realm


class Command(BaseCommand):
    help = "Transnational referral packages: organisation keys, partners, send, receive, accept, refuse, list."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{keys,partner-add,send,receive,accept,refuse,list}")

        def sub(name: str, text: str):
            command = actions.add_parser(name, help=text)
            command.add_argument("--as", dest="email", required=True, help="act as this member (e-mail)")
            command.add_argument("--organisation", type=int, help="membership's organisation id, if several")
            return command

        keys = sub("keys", "our organisation's keys: create new ones, or show the current card")
        keys.add_argument("keys_action", choices=["create", "show"])
        keys.add_argument("--package-id", default="", help="identifier in packages, e.g. XD:safe-harbour")
        keys.add_argument("--card", type=Path, help="write the public identity card to this file")
        partner = sub("partner-add", "trust a partner's identity card after checking its fingerprint")
        partner.add_argument("--card", type=Path, required=True, help="the partner's identity card file")
        partner.add_argument("--fingerprint", required=True, help="as the partner read it out to you")
        partner.add_argument("--name", required=True)
        partner.add_argument("--country", required=True, help="ISO 3166 code of the partner's country")
        send = sub("send", "seal one case for a partner")
        send.add_argument("--case", dest="number", required=True, help="case number")
        send.add_argument("--partner", required=True, help="the partner's identifier in packages")
        send.add_argument("--out", type=Path, required=True, help="file to write (must not exist)")
        send.add_argument("--legal-basis", default="", help="only when sending without the person's consent")
        receive = sub("receive", "check a package and keep it for review")
        receive.add_argument("file", type=Path)
        accept = sub("accept", "accept a received package: opens a case")
        accept.add_argument("package", type=int, help="id shown by `receive` or `list`")
        refuse = sub("refuse", "refuse a received package")
        refuse.add_argument("package", type=int)
        refuse.add_argument("--reason", required=True, help="no personal data")
        sub("list", "packages sent and received")

    def handle(self, *args, action: str, **options):
        actor = self._actor(options["email"], options.get("organisation"))
        try:
            getattr(self, "_" + action.replace("-", "_"))(actor, **options)
        except Forbidden:
            raise CommandError("this member's roles do not allow that") from None
        except NotFound as exc:
            raise CommandError(f"not found: {exc}") from None
        except ValidationFailed as exc:
            lines = [f"  {field}: {' '.join(messages)}" for field, messages in exc.errors.items()]
            raise CommandError("refused:\n" + "\n".join(lines)) from None

    def _actor(self, email: str, organisation_id: int | None):
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        memberships = Membership.objects.filter(user=user, is_active=True).order_by("id") if user else None
        if organisation_id is not None and memberships is not None:
            memberships = memberships.filter(organisation_id=organisation_id)
        membership = memberships.first() if memberships is not None else None
        if membership is None:
            raise CommandError("no active member with this e-mail address (and organisation)")
        return actor_for(user=user, membership=membership, realm=live_realm(), address=None, channel="cli")

    def _keys(self, actor, *, keys_action: str, package_id: str, card: Path | None, **_options) -> None:
        if keys_action == "create":
            pair = services.organisation_keys_create(actor=actor, package_id=package_id)
        else:
            pair = selectors.keys_for(actor=actor).filter(retired_at__isnull=True).first()
            if pair is None:
                raise CommandError("this organisation has no keys yet: `alliance packages keys create`")
        self.stdout.write(f"Identifier: {pair.package_id}")
        self.stdout.write("Fingerprint (read it to partners over a call, never by e-mail):")
        self.stdout.write(format_fingerprint(pair.fingerprint))
        if card is not None:
            card.write_text(pair.public_card)
            self.stdout.write(f"Identity card written to {card}")

    def _partner_add(self, actor, *, card: Path, fingerprint: str, name: str, country: str, **_options) -> None:
        text = card.read_text(encoding="utf-8", errors="replace")[: services.MAX_CARD_CHARS + 1]
        partner = services.partner_add(actor=actor, name=name, country=country.upper(), card=text,
                                       fingerprint=fingerprint)
        self.stdout.write(f"Partner {partner.pk} trusted: {partner.package_id} ({partner.country})")

    def _send(self, actor, *, number: str, partner: str, out: Path, legal_basis: str, **_options) -> None:
        if out.exists():
            raise CommandError(f"{out} exists; choose a new file")
        case_id = Case.objects.filter(number=number.strip().upper(), realm_id=actor.realm_id).values_list(
            "pk", flat=True).first()
        found = services.trusted_partners(actor=actor).filter(package_id=partner).first()
        if found is None:
            raise CommandError(f"{partner} is not a trusted partner of this organisation")
        record, sealed = services.package_send(actor=actor, case_id=case_id or 0, partner_id=found.pk,
                                               legal_basis=legal_basis)
        with open(out, "xb") as handle:
            handle.write(sealed)
        self.stdout.write(f"Package {record.package_id} written to {out}: {', '.join(record.fields)}")

    def _receive(self, actor, *, file: Path, **_options) -> None:
        with open(file, "rb") as handle:
            data = handle.read(services.MAX_PACKAGE_BYTES + 1)
        record = services.package_receive(actor=actor, data=data)
        preview = selectors.package_preview_for(actor=actor, package_id=record.pk)
        self.stdout.write(f"Package {record.pk} received and waiting for review")
        self.stdout.write(f"  from: {preview.sender_id} ({record.partner.name}), signature "
                          f"{'verified' if preview.verified else 'NOT verified'}")
        self.stdout.write(f"  sealed on: {preview.created_at:%Y-%m-%d %H:%M} UTC")
        self.stdout.write(f"  fields: {', '.join(preview.fields)}")
        self.stdout.write(f"Accept with `alliance packages accept --as ... {record.pk}`")

    def _accept(self, actor, *, package: int, **_options) -> None:
        case = services.package_accept(actor=actor, package_id=package)
        self.stdout.write(f"Case {case.number} opened from package {package}")

    def _refuse(self, actor, *, package: int, reason: str, **_options) -> None:
        services.package_refuse(actor=actor, package_id=package, reason=reason)
        self.stdout.write(f"Package {package} refused")

    def _list(self, actor, **_options) -> None:
        for record in selectors.packages_for(actor=actor)[:200]:
            partner = record.partner.package_id if record.partner else "-"
            case = record.case.number if record.case else "-"
            self.stdout.write(f"{record.pk}\t{record.created_at:%Y-%m-%d %H:%M}\t{record.direction}\t"
                              f"{record.status}\t{partner}\t{case}\t{','.join(record.fields)}")
