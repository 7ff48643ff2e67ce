"""Two installations end to end. Installation A is the test database; installation B is the `alliance`
command in subprocesses, with its own var directory, SQLite database and key ring. Only public identity
cards and the sealed package pass between them, as files; the fingerprints are "read out" from one
command's output into the other's input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from alliance.cases.models import Case, OrganisationKeyPair, PartnerOrganisation
from alliance.cases.services import transnational as tn
from alliance.core.models import AuditEvent
from alliance.core.sealed_package import format_fingerprint
from tests.cases.transnational_world import consented_case, side

ROOT = Path(__file__).resolve().parents[2]

B_WORKER = """
from tests import factories
from alliance.directory.models import Organisation
factories.member(Organisation.objects.get(name="Harbour North"), ["case_worker"], email="worker@north.xp")
"""

# What B's database holds after the exchange, decrypted through B's own key ring.
B_STATE = """
from alliance.cases.models import Case, Consent, OrganisationKeyPair, PartnerOrganisation
from alliance.core.models import AuditEvent
for case in Case.objects.select_related("person", "owner_organisation"):
    print("CASE", case.number, case.source, case.owner_organisation.name, case.person.given_name,
          case.person.family_name, case.person.identity_number)
for consent in Consent.objects.all():
    print("CONSENT", consent.purpose, consent.country, consent.language)
for pair in OrganisationKeyPair.objects.all():
    print("KEYS", pair.fingerprint)
for partner in PartnerOrganisation.objects.all():
    print("PARTNER", partner.package_id, partner.fingerprint)
for event in AuditEvent.objects.filter(object_type__in=["transnational_package", "case"]).order_by("seq"):
    print("AUDIT", event.action, event.object_type, event.reason)
"""


@dataclass
class Installation:
    env: dict[str, str]
    home: Path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        # The timeout only keeps a hung subprocess from hanging the run.
        return subprocess.run([sys.executable, "-m", "alliance.cli", *args], env=self.env, cwd=self.home,
                              capture_output=True, text=True, timeout=600, check=False)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"alliance {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout


@pytest.fixture
def installation_b(tmp_path) -> Installation:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    env.update(ALLIANCE_PROFILE="demo", ALLIANCE_VAR_DIR=str(tmp_path / "b-var"), PYTHONPATH=str(ROOT))
    b = Installation(env=env, home=tmp_path)
    b.ok("migrate", "--verbosity", "0")
    (tmp_path / "password").write_text("a long fictitious password for B\n")
    b.ok("createadmin", "--email", "admin@north.xp", "--name", "B Admin", "--organisation", "Harbour North",
         "--country", "XP", "--sector", "ngo", "--password-file", str(tmp_path / "password"))
    b.ok("shell", "-c", B_WORKER)
    return b


def _fingerprint(output: str) -> str:
    lines = output.splitlines()
    start = lines.index("Fingerprint (read it to partners over a call, never by e-mail):") + 1
    return "\n".join(lines[start:start + 2])


def test_a_case_travels_from_installation_a_to_installation_b(db, installation_b, tmp_path):
    b = installation_b
    # B makes its keys and hands over its card; A's people hear the fingerprint over the phone.
    shown = b.ok("packages", "keys", "create", "--as", "admin@north.xp", "--package-id", "XP:harbour-north",
                 "--card", str(tmp_path / "b.card.json"))
    b_fingerprint = _fingerprint(shown)
    assert re.fullmatch(r"([0-9A-F]{4} ){7}[0-9A-F]{4}\n([0-9A-F]{4} ){7}[0-9A-F]{4}", b_fingerprint)

    a = side("Safe Harbour", "XD", "XD:safe-harbour")
    a_pair = tn.active_keys(organisation_id=a.organisation.pk)
    to_b = tn.partner_add(actor=a.admin, name="Harbour North", country="XP",
                          card=(tmp_path / "b.card.json").read_text(), fingerprint=b_fingerprint)
    (tmp_path / "a.card.json").write_text(a_pair.public_card)
    wrong = b.run("packages", "partner-add", "--as", "admin@north.xp", "--card", str(tmp_path / "a.card.json"),
                  "--fingerprint", b_fingerprint, "--name", "Safe Harbour", "--country", "XD")
    assert wrong.returncode != 0 and "fingerprint" in wrong.stderr
    b.ok("packages", "partner-add", "--as", "admin@north.xp", "--card", str(tmp_path / "a.card.json"),
         "--fingerprint", format_fingerprint(a_pair.fingerprint), "--name", "Safe Harbour", "--country", "XD")

    # A sends a consented case; B checks it, refuses a tampered copy, previews and accepts it.
    case = consented_case(a, "XP")
    record, sealed = tn.package_send(actor=a.worker, case_id=case.pk, partner_id=to_b.pk)
    (tmp_path / "package").write_bytes(sealed)
    tampered = bytearray(sealed)
    # A byte of the ciphertext (just before the 16-byte tag and the 64-byte signature): the middle of the
    # file can fall in the header, whose own check then answers first with another reason.
    tampered[len(sealed) - 64 - 17] ^= 0x04
    (tmp_path / "tampered").write_bytes(bytes(tampered))
    refused = b.run("packages", "receive", "--as", "worker@north.xp", str(tmp_path / "tampered"))
    assert refused.returncode != 0 and "signature does not match" in refused.stderr

    preview = b.ok("packages", "receive", "--as", "worker@north.xp", str(tmp_path / "package"))
    assert "signature verified" in preview and "from: XD:safe-harbour (Safe Harbour)" in preview
    assert "given_name" in preview and "Olena" not in preview
    package_id = re.search(r"Package (\d+) received", preview).group(1)
    replay = b.run("packages", "receive", "--as", "worker@north.xp", str(tmp_path / "package"))
    assert replay.returncode != 0 and "already received" in replay.stderr
    accepted = b.ok("packages", "accept", "--as", "worker@north.xp", package_id)
    number = re.search(r"Case (\S+) opened", accepted).group(1)

    state = b.ok("shell", "-c", B_STATE).splitlines()
    assert f"CASE {number} transnational Harbour North Olena Kovalenko None" in state
    assert "CONSENT transnational XP uk" in state
    assert [line for line in state if line.startswith("KEYS")] == [f"KEYS {to_b.fingerprint}"]
    assert f"PARTNER XD:safe-harbour {a_pair.fingerprint}" in state
    audit = [line for line in state if line.startswith("AUDIT")]
    for expected in ("AUDIT denied transnational_package bad_signature:", "AUDIT denied transnational_package replay:",
                     f"AUDIT create transnational_package received {record.package_id} from XD:safe-harbour",
                     f"AUDIT create case transnational package {record.package_id} from XD:safe-harbour",
                     "AUDIT update transnational_package accepted"):
        assert any(line.startswith(expected) for line in audit), expected
    assert not any("Olena" in line for line in audit)

    # A holds B's public card only: no key pair of B's, and A never saw the case B opened.
    assert not OrganisationKeyPair.objects.filter(fingerprint=to_b.fingerprint).exists()
    assert PartnerOrganisation.objects.get(pk=to_b.pk).fingerprint == to_b.fingerprint
    assert not Case.objects.filter(source="transnational").exists()
    assert AuditEvent.objects.filter(action="export", object_id=str(case.pk),
                                     reason__contains=record.package_id).exists()
