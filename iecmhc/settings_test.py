"""The test suite's settings (pyproject.toml): the project's settings, read without the
developer's `.env`, so a fresh clone's `make run` then `make test` pass and the tests see only
what they set. The processes the tests start inherit DJANGO_ENV_FILE and read none either."""

import os

os.environ["DJANGO_ENV_FILE"] = ""

from iecmhc.settings import *  # noqa: F403
