"""/api/v1/me and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from alliance.core.api_schemas import StrictIn, id_path, with_errors
from alliance.core.errors import Forbidden
from alliance.directory import selectors, services
from alliance.directory.models import User

router = Router(tags=["directory"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    organisation_id: int | None
    roles: list[str]
    realm_id: int
    realm_is_exercise: bool


@router.get("/me", response=with_errors(MeOut), operation_id="me")
def me(request):
    actor = request.actor
    user: User = request.auth
    return MeOut(id=user.pk, email=user.email, display_name=user.display_name,
                 organisation_id=actor.organisation_id, roles=sorted(actor.roles), realm_id=actor.realm_id,
                 realm_is_exercise=actor.realm_is_exercise)


class TokenIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    days: int = Field(default=90, ge=1, le=365)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    realm_id: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIssued(TokenOut):
    token: str


class TokenList(Schema):
    items: list[TokenOut]
    count: int


@router.get("/tokens", response=with_errors(TokenList), operation_id="token_list")
def token_list(request):
    tokens = list(selectors.tokens_of(actor=request.actor))
    return {"items": tokens, "count": len(tokens)}


@router.post("/tokens", response=with_errors({201: TokenIssued}), operation_id="token_issue")
def token_issue(request, payload: TokenIn):
    if getattr(request, "api_token", None) is not None:
        # A token cannot mint tokens: a leaked token must not outlive its own expiry.
        raise Forbidden("token.issue")
    token, raw = services.token_issue(actor=request.actor, name=payload.name, days=payload.days)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response=with_errors({204: None}), operation_id="token_revoke")
def token_revoke(request, token_id: int = id_path()):
    services.token_revoke(actor=request.actor, token_id=token_id)
    return Status(204, None)
