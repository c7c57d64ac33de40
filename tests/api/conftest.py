"""Clients for the named cast, signed in with API tokens as an app or integration would be."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_token


class Api:
    """An API client per cast member; ``anonymous`` sends no credentials."""

    def __init__(self, cast: Any) -> None:
        self.cast = cast
        self._clients: dict[str, APIClient] = {}

    def __call__(self, member: str) -> APIClient:
        if member not in self._clients:
            client = APIClient()
            user = self.cast.member(member)
            if user.is_authenticated:
                client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
            self._clients[member] = client
        return self._clients[member]


@pytest.fixture
def api(cast: Any) -> Api:
    return Api(cast)
