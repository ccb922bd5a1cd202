"""The web suite's fixtures (examples loaded, personas, logged-in clients) for the fault suite's web cases."""
from tests.web.conftest import anon, app, as_user, loaded, token_for  # noqa: F401
