"""A moto server of each module's own, for the runs of the plugin that module makes, and a client to look at it."""

import pytest

from loaders.dynamodb.client import endpoint_client
from plugin.servers import MotoServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with MotoServer(tmp_path_factory.mktemp("server") / "moto.log") as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="module")
def admin(server):
    return endpoint_client(server)
