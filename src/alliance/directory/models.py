"""Organisations (agencies), accounts and memberships with roles; API tokens; log-in throttling."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.countries import COUNTRY_CHOICES, COUNTRY_CODES
from alliance.core.models import Realm
from alliance.core.roles import ALL_ROLES


class Organisation(models.Model):
    class Sector(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        PROSECUTION = "prosecution", _("Prosecution")
        JUDICIARY = "judiciary", _("Judiciary")
        LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
        BORDER_MIGRATION = "border_migration", _("Border and migration")
        SOCIAL_SERVICES = "social_services", _("Social services")
        HEALTH = "health", _("Health")
        NGO = "ngo", _("NGO")
        INTERNATIONAL = "international", _("International organisation")
        COORDINATOR_RAPPORTEUR = "coordinator_rapporteur", _("National co-ordinator or rapporteur office")
        FIU = "fiu", _("Financial intelligence unit")
        TRADE_UNION = "trade_union", _("Trade union")
        PRIVATE_SECTOR = "private_sector", _("Private sector")

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    # None: a real agency of the live installation. An exercise sandbox's agencies (issue 10) belong to that
    # sandbox only, so they never appear in a live choice list and never receive a live case; they go with
    # the sandbox when its run is purged.
    # Named `sandbox`, not `realm`: an agency's name is public directory data, not a protected realm row.
    sandbox = models.ForeignKey(Realm, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Ten team sandboxes seeded from one scenario hold ten agencies of the same name, one per realm.
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], condition=models.Q(sandbox__isnull=True),
                                    name="directory_org_unique_name"),
            models.UniqueConstraint(fields=["name", "country", "sandbox"], condition=models.Q(sandbox__isnull=False),
                                    name="directory_org_unique_name_in_realm"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.country not in COUNTRY_CODES:
            raise ValidationError({"country": _("Use an ISO 3166 two-letter country code.")})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        # Django's superuser flag is never used for access; system administration is a role.
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser):
    """A person who logs in. Staff contact details are internal data, not victims' personal data."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150)
    preferred_language = models.CharField(max_length=8, default="en")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    def __str__(self) -> str:
        return self.display_name or self.email


class Membership(models.Model):
    """A user in an organisation with one or more roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    roles = models.JSONField(default=list)
    is_organisation_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="directory_one_membership")]
        ordering = ["organisation__name", "user__email"]

    def clean(self) -> None:
        unknown = set(self.roles) - ALL_ROLES
        if unknown or not self.roles:
            raise ValidationError({"roles": _("Choose one or more of the defined roles.")})


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; bound to one membership and one realm."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    realm = models.ForeignKey(Realm, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # A constraint, not unique=True: on PostgreSQL that would add a pattern index a hash never needs.
        constraints = [models.UniqueConstraint(fields=["digest"], name="directory_apitoken_unique_digest")]

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginThrottle(models.Model):
    """Failed log-ins per (account, address): a shared office address alone never locks everyone out.

    The key is an HMAC of e-mail and address, so this table holds neither in clear.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)
    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="+")
