from pathlib import Path

import pytest

SHARED_REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared_reference():
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference/ is not beside this checkout")
    return SHARED_REFERENCE
