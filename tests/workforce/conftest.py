import pytest
from django.urls import reverse


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def wurl():
    def build(name, site, **kw):
        return reverse(f"workforce:{name}", kwargs={"site": site.slug, **kw})

    return build
