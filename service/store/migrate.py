"""Schema changes through Alembic, callable from the command line and from tests."""

from alembic import command
from alembic.config import Config

from service.package_files import migrations_folder


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration aimed at one database."""
    migrations = migrations_folder()
    config = Config(str(migrations / "alembic.ini"))
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (blocking: call it outside a running event loop)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade_database(database_url: str, revision: str) -> None:
    """Take the schema back to `revision`."""
    command.downgrade(alembic_config(database_url), revision)
